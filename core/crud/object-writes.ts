import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { entityData } from './entity-input.js';

/**
 * Hooks an entity may define. `beforeSave` checks what a unique index cannot (e.g. base paths
 * that nest) and runs under the create/update's locks; `onCreate` adds companion objects.
 */
export interface EntityHooks {
  beforeSave?(em: EntityManager): Promise<void>;
  onCreate?(em: EntityManager): void;
}

/** Creates an object from validated input; the caller flushes, so companions land atomically. */
export async function createObject<T extends object>(em: EntityManager, entity: EntityClass<T>, input: Record<string, unknown>): Promise<T> {
  const meta = em.getMetadata().get(entity.name);
  const data = entityData(em, entity, input);
  // Set the discriminator on the object too, not only in the INSERT, so it reads back at once.
  if (meta.root.discriminatorColumn && meta.discriminatorValue) data[meta.root.discriminatorColumn] = meta.discriminatorValue;
  const object = em.create(entity, data as never) as T & EntityHooks;
  await object.beforeSave?.(em);
  object.onCreate?.(em);
  return object;
}

export async function updateObject(em: EntityManager, object: object, input: Record<string, unknown>): Promise<void> {
  em.assign(object, entityData(em, object.constructor as EntityClass<object>, input) as never);
  await (object as EntityHooks).beforeSave?.(em);
}
