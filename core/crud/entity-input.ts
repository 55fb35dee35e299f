import type { EntityClass, EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../db/uuid7.js';
import { ConflictFailure, NotFoundFailure } from '../expected-failure.js';

/** Narrower targets for `<relation>Id` inputs, e.g. `{ remoteId: FileRemote }` on a file repository. */
export type References = Record<string, EntityClass<object>>;

function relationOf(meta: EntityMetadata, key: string): string | null {
  if (!key.endsWith('Id')) return null;
  const name = key.slice(0, -2);
  const prop = meta.properties[name as never] as { kind?: string } | undefined;
  return prop?.kind === 'm:1' ? name : null;
}

/**
 * An input object as entity data: `<relation>Id: ID` becomes the relation. The input is
 * plain JSON here (it may have travelled through a task's arguments).
 */
export function entityData(em: EntityManager, entity: EntityClass<object>, input: Record<string, unknown>): Record<string, unknown> {
  const meta = em.getMetadata().get(entity.name);
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const relation = relationOf(meta, key);
    data[relation ?? key] = value;
  }
  return data;
}

/** Every `<relation>Id` in the input names an existing object of the right type, or NOT_FOUND. */
export async function checkReferences(
  em: EntityManager, entity: EntityClass<object>, input: Record<string, unknown>, references: References = {},
  visible: (target: EntityClass<object>) => Promise<() => object> = async () => () => ({}),
): Promise<void> {
  const meta = em.getMetadata().get(entity.name);
  for (const [key, value] of Object.entries(input)) {
    const relation = relationOf(meta, key);
    if (!relation || value === null || value === undefined) continue;
    const target = references[key] ?? (meta.properties[relation as never] as { targetMeta: { class: EntityClass<object> } }).targetMeta.class;
    const id = String(value);
    // An object the caller may not see is as absent as one that does not exist.
    if (!isUuid(id) || (await em.count(target, { $and: [{ id }, (await visible(target))()] } as never)) === 0) {
      throw new NotFoundFailure(target.name, id);
    }
  }
}

/**
 * Unique values (a name per type, a base path, …) that another object already has: CONFLICT now,
 * with a message a user can act on, rather than a failed insert.
 */
export async function checkUnique(
  em: EntityManager, entity: EntityClass<object>, input: Record<string, unknown>, existing?: Record<string, unknown>,
): Promise<void> {
  const meta = em.getMetadata().get(entity.name);
  const constraints = [
    ...meta.uniques.map((u) => [u.properties].flat() as string[]),
    ...Object.values(meta.properties).filter((p) => p.unique === true).map((p) => [p.name as string]),
  ];
  for (const properties of constraints) {
    if (!properties.some((p) => input[p] !== undefined)) continue;
    const where: Record<string, unknown> = {};
    for (const p of properties) {
      where[p] = input[p] !== undefined ? input[p] : p === meta.root.discriminatorColumn ? meta.discriminatorValue : existing?.[p];
    }
    if (existing) where.id = { $ne: existing.id };
    if ((await em.count(meta.root.class, where as never)) > 0) {
      const shown = properties.filter((p) => p !== meta.root.discriminatorColumn).map((p) => `${p} "${String(where[p])}"`);
      throw new ConflictFailure(`A ${entity.name} with ${shown.join(' and ')} already exists`);
    }
  }
}
