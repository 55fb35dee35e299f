import { MetadataStorage } from '@mikro-orm/core';
import { GraphQLID, GraphQLScalarType } from 'graphql';
import { Float, getMetadataStorage, Int } from 'type-graphql';
import { DateTime, SafeInt } from '../scalars.js';

export type ScalarKind = 'String' | 'ID' | 'Int' | 'Float' | 'SafeInt' | 'Boolean' | 'DateTime' | 'Enum';

export interface ScalarField {
  name: string;
  kind: ScalarKind;
  nullable: boolean;
  enumObject?: object;
  enumName?: string;
}

function classChain(target: Function): Function[] {
  const chain: Function[] = [];
  for (let c: Function | null = target; c && c !== Function.prototype && c !== Object; c = Object.getPrototypeOf(c)) {
    chain.push(c);
  }
  return chain;
}

function kindOf(type: unknown): Pick<ScalarField, 'kind' | 'enumObject' | 'enumName'> | null {
  if (type === String) return { kind: 'String' };
  if (type === Boolean) return { kind: 'Boolean' };
  if (type === Date || type === DateTime) return { kind: 'DateTime' };
  if (type === GraphQLID) return { kind: 'ID' };
  if (type === Int) return { kind: 'Int' };
  if (type === Float || type === Number) return { kind: 'Float' };
  if (type === SafeInt) return { kind: 'SafeInt' };
  if (type instanceof GraphQLScalarType) return null;
  const enumMeta = getMetadataStorage().enums.find((e) => e.enumObj === type);
  return enumMeta ? { kind: 'Enum', enumObject: type as object, enumName: enumMeta.name } : null;
}

function persisted(chain: Function[], name: string): boolean {
  return chain.some((c) => {
    const meta = MetadataStorage.getMetadataFromDecorator(c as never) as { properties: Record<string, unknown> };
    return name in meta.properties;
  });
}

/**
 * The GraphQL scalar and enum fields of an entity that are stored columns: what lists can be
 * filtered and ordered by. Read from the type-graphql and MikroORM decorators, so a plugin's
 * new field is filterable without another line.
 */
export function scalarFields(entity: Function): ScalarField[] {
  const chain = classChain(entity);
  const fields = getMetadataStorage().fields.filter((f) => chain.includes(f.target));
  const seen = new Set<string>();
  const result: ScalarField[] = [];
  for (const field of fields) {
    if (seen.has(field.name) || !persisted(chain, field.name)) continue;
    // getType() first: it is what tells type-graphql (and so typeOptions) that a field is a list.
    const kind = kindOf(field.getType());
    if (!kind || field.typeOptions.array) continue;
    seen.add(field.name);
    result.push({ name: field.name, nullable: Boolean(field.typeOptions.nullable), ...kind });
  }
  return result;
}

export function hasLabels(entity: Function): boolean {
  const chain = classChain(entity);
  return getMetadataStorage().fields.some((f) => chain.includes(f.target) && f.name === 'labels') && persisted(chain, 'labels');
}
