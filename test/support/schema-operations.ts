import {
  getNamedType, isEnumType, isInputObjectType, isInterfaceType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLNamedType, type GraphQLObjectType, type GraphQLSchema,
} from 'graphql';
import type { AccessRule } from '../../core/access/rules.js';
import { accessRule } from '../../core/graphql/access-enforcement.js';

export type OperationKind = 'query' | 'mutation' | 'subscription';

/** One root field of the schema, with the access rule it declared. */
export interface Operation {
  kind: OperationKind;
  name: string;
  field: GraphQLField<unknown, unknown>;
  rule: AccessRule | undefined;
}

/** Every root Query, Mutation and Subscription field, in schema order. */
export function rootOperations(schema: GraphQLSchema): Operation[] {
  const roots: Array<[OperationKind, GraphQLObjectType | null | undefined]> = [
    ['query', schema.getQueryType()], ['mutation', schema.getMutationType()], ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, root]) => Object.values(root?.getFields() ?? {}).map((field) => ({
    kind, name: field.name, field: field as GraphQLField<unknown, unknown>, rule: accessRule(field),
  })));
}

/** `FileRepositoryConnection` → `FileRepository`; any other type as it is. */
function listed(type: GraphQLNamedType): GraphQLNamedType {
  const nodes = isObjectType(type) && type.name.endsWith('Connection') ? type.getFields().nodes : undefined;
  return nodes ? getNamedType(nodes.type) : type;
}

function isObjectLike(type: GraphQLNamedType | undefined | null): boolean {
  return Boolean(type && (isObjectType(type) || isInterfaceType(type)));
}

/**
 * The type an operation is about: what a query or subscription answers (`fileRepository(id)`,
 * `taskUpdated(id)`), what a mutation's name says after its verb (`deleteFileRepository`,
 * `cancelTask`), else what it answers.
 */
export function subjectOf(schema: GraphQLSchema, op: Operation): string | null {
  const answered = listed(getNamedType(op.field.type));
  if (op.kind === 'mutation') {
    const named = schema.getType(op.name.replace(/^[a-z]+/, ''));
    if (isObjectLike(named)) return named!.name;
  }
  return isObjectLike(answered) ? answered.name : null;
}

/** What a plugin's type adds before the interface it implements: `File` of FileRepository. */
function familyOf(schema: GraphQLSchema, typeName: string | null): string {
  const type = typeName ? schema.getType(typeName) : null;
  if (!type || !isObjectType(type)) return '';
  const base = type.getInterfaces().find((i) => type.name.endsWith(i.name) && type.name !== i.name);
  return base ? type.name.slice(0, -base.name.length) : '';
}

/** A concrete type for `typeName`: itself, or for an interface its implementation of `family` (else the first by name). */
export function concreteType(schema: GraphQLSchema, typeName: string, family = ''): string {
  const type = schema.getType(typeName);
  if (!type || !isInterfaceType(type)) return typeName;
  const possible = schema.getPossibleTypes(type).map((t) => t.name).sort();
  return possible.find((name) => family !== '' && name.startsWith(family)) ?? possible[0] ?? typeName;
}

/**
 * The type of object an ID argument (or input field) names: `id` the operation's subject;
 * `<x>Id` the type `<Family><X>` of the subject's plugin, else `<X>` (`remoteId` of
 * syncFileRepository is a FileRemote, `repositoryVersionId` a RepositoryVersion); `objectId`
 * (roles are granted on it) a repository. Null when no type fits.
 */
export function idTarget(schema: GraphQLSchema, op: Operation, name: string): string | null {
  const subject = subjectOf(schema, op);
  const family = familyOf(schema, subject);
  if (name === 'id') return subject ? concreteType(schema, subject, family) : null;
  if (name === 'objectId') return concreteType(schema, 'Repository', family);
  const match = /^(.+)Id$/.exec(name);
  if (!match) return null;
  const base = match[1]![0]!.toUpperCase() + match[1]!.slice(1);
  for (const candidate of [`${family}${base}`, base]) {
    if (isObjectLike(schema.getType(candidate))) return concreteType(schema, candidate, family);
  }
  return null;
}

/** Where generic values come from: object ids (made on demand) and per-name values generation cannot guess. */
export interface ValueSource {
  /** The id of an object of this concrete type. */
  id(typeName: string): Promise<string>;
  /** A value no other call has used, usable as a name, a path or a password. */
  unique(): string;
  /** Values for arguments and input fields by name (a remote's `url`, a digest), when the type alone is not enough. */
  byName: Record<string, () => unknown>;
  /** Optional arguments or input fields filled besides the required ones: by operation name or input type name. */
  alsoFill: Record<string, string[]>;
}

const SCALARS: Record<string, (source: ValueSource) => unknown> = {
  String: (s) => s.unique(),
  Int: () => 60,
  SafeInt: () => 60,
  Float: () => 1,
  Boolean: () => false,
  DateTime: () => '2000-01-01T00:00:00.000Z',
  JSON: () => ({}),
};

function required(arg: { type: GraphQLInputType; defaultValue?: unknown }): boolean {
  return isNonNullType(arg.type) && arg.defaultValue === undefined;
}

/**
 * Whether an optional ID argument names an object roles are granted on (a repository, remote,
 * distribution): filled, so that the operation acts on the objects the caller holds roles on.
 */
function namesRoleHolder(schema: GraphQLSchema, op: Operation, arg: GraphQLArgument, roleHolders: Set<string>): boolean {
  if (getNamedType(arg.type).name !== 'ID' || isListType(isNonNullType(arg.type) ? arg.type.ofType : arg.type)) return false;
  const target = idTarget(schema, op, arg.name);
  return target !== null && roleHolders.has(target);
}

/**
 * Arguments for one call of `op`, made from the argument types: required ones always, optional
 * ones that name a role-holding object, and those `source.alsoFill` lists.
 */
export async function argumentsFor(
  schema: GraphQLSchema, op: Operation, source: ValueSource, roleHolders: Set<string>,
): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = {};
  const extra = source.alsoFill[op.name] ?? [];
  for (const arg of op.field.args) {
    if (required(arg) || extra.includes(arg.name) || namesRoleHolder(schema, op, arg, roleHolders)) {
      args[arg.name] = await valueOf(schema, op, arg.name, arg.type, source);
    }
  }
  return args;
}

async function valueOf(schema: GraphQLSchema, op: Operation, name: string, type: GraphQLInputType, source: ValueSource): Promise<unknown> {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [await valueOf(schema, op, name, inner.ofType as GraphQLInputType, source)];
  if (source.byName[name]) return source.byName[name]!();
  if (isEnumType(inner)) return inner.getValues()[0]!.name;
  if (isInputObjectType(inner)) {
    const extra = source.alsoFill[inner.name] ?? [];
    const value: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      if (required(field) || extra.includes(field.name)) value[field.name] = await valueOf(schema, op, field.name, field.type, source);
    }
    return value;
  }
  if (isScalarType(inner) && inner.name === 'ID') {
    const target = idTarget(schema, op, name);
    if (!target) throw new Error(`${op.name}: cannot tell what the ID argument "${name}" names`);
    return source.id(target);
  }
  const make = SCALARS[inner.name];
  if (!make) throw new Error(`${op.name}: no generic value for "${name}" of type ${inner.name}: add it to byName`);
  return make(source);
}

/** A selection for what `op` answers: ids and task fields where there are some, `__typename` always. */
export function selectionOf(op: Operation): string {
  const type = getNamedType(op.field.type);
  if (!isObjectType(type) && !isInterfaceType(type)) return '';
  const fields = type.getFields();
  return ` { __typename${fields.id ? ' id' : ''}${type.name === 'Task' ? ' state createdResources' : ''} }`;
}

/** The document of one call of `op` with these arguments, as variables of their declared types. */
export function documentOf(op: Operation, args: Record<string, unknown>): string {
  const used = op.field.args.filter((a) => a.name in args);
  const declared = used.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passed = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${op.kind}${declared ? ` (${declared})` : ''} { ${op.name}${passed ? `(${passed})` : ''}${selectionOf(op)} }`;
}
