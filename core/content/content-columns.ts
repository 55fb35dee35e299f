import { MetadataStorage, type EntityClass, type EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Content } from '../db/entities/content.js';

/** How one property of a content type is stored: its column and the SQL type to cast an array of values to. */
export interface ContentColumn {
  property: string;
  column: string;
  sqlType: string;
  json: boolean;
}

/** The stored columns of a content type and its natural key, read from its MikroORM metadata. */
export interface ContentShape {
  meta: EntityMetadata<Content>;
  type: string;
  /** The plugin's own columns (not id, timestamps or type). */
  columns: ContentColumn[];
  /** The columns of its unique natural key: two units with equal keys are the same unit. */
  key: ContentColumn[];
}

const CORE_PROPERTIES = new Set(['id', 'createdAt', 'updatedAt', 'type']);

function sqlType(columnType: string): string {
  return columnType.replace(/\(.*\)$/, '');
}

/**
 * The unique constraints a content class (or a class it extends) declares. MikroORM gives every
 * type in the content table the uniques of all of them, so a sibling's key with the same property
 * names (an npm package's name and version, a dist-tag's) must not count.
 */
function declaredUniques(entity: EntityClass<Content>): string[][] {
  const uniques: string[][] = [];
  for (let type: Function = entity; type !== Function.prototype; type = Object.getPrototypeOf(type) as Function) {
    const meta = MetadataStorage.getMetadataFromDecorator(type as never) as { uniques?: Array<{ properties: string | string[] }> };
    uniques.push(...(meta.uniques ?? []).map((u) => [u.properties].flat()));
  }
  return uniques;
}

export function contentShape(em: EntityManager, entity: EntityClass<Content>): ContentShape {
  const meta = em.getMetadata().get<Content>(entity.name);
  if (!meta.discriminatorValue) throw new Error(`${entity.name} is not a content type (no discriminator value)`);
  const columns = Object.values(meta.properties)
    .filter((p) => p.persist !== false && p.kind === 'scalar' && !CORE_PROPERTIES.has(p.name) && p.fieldNames?.length === 1)
    .map((p): ContentColumn => {
      const type = sqlType(p.columnTypes[0]!);
      return { property: p.name, column: p.fieldNames[0]!, sqlType: type, json: type === 'jsonb' || type === 'json' };
    });
  const own = declaredUniques(entity).filter((u) => u.every((p) => columns.some((c) => c.property === p)));
  if (own.length !== 1) {
    throw new Error(`${entity.name} must declare exactly one @Unique natural key of its own columns, found ${own.length}`);
  }
  const keyProperties = own[0]!;
  return {
    meta,
    type: meta.discriminatorValue as string,
    columns,
    key: keyProperties.map((p) => columns.find((c) => c.property === p)!),
  };
}

/** A column's values as one array parameter for `unnest(?::type[])`. */
export function columnValues(column: ContentColumn, rows: ReadonlyArray<Record<string, unknown>>): unknown[] {
  return rows.map((row) => {
    const value = row[column.property] ?? null;
    return column.json && value !== null ? JSON.stringify(value) : value;
  });
}

/** The natural key of a row as one string, for maps. */
export function keyString(shape: ContentShape, row: Record<string, unknown>): string {
  return JSON.stringify(shape.key.map((c) => row[c.property] ?? null));
}
