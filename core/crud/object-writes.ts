import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { currentActor } from '../access/acting-user.js';
import { OBJECT_KINDS } from '../access/objects.js';
import { Role } from '../access/roles.js';
import { RoleAssignment } from '../db/entities/role-assignment.js';
import { User } from '../db/entities/user.js';
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
  makeOwner(em, meta.root.tableName, (object as unknown as { id: string }).id);
  return object;
}

/**
 * Whoever the creation acts for (the caller, or the user who dispatched the creating task: never
 * anyone else holding a role meanwhile) owns what roles are granted on.
 */
function makeOwner(em: EntityManager, kind: string, objectId: string): void {
  const { userId } = currentActor();
  if (userId === null || !(OBJECT_KINDS as readonly string[]).includes(kind)) return;
  em.create(RoleAssignment, { role: Role.OWNER, user: em.getReference(User, userId), objectId, objectKind: kind });
}

/** The roles granted on an object go with it. */
export function forgetRoles(em: EntityManager, objectId: string): Promise<number> {
  return em.nativeDelete(RoleAssignment, { objectId });
}

export async function updateObject(em: EntityManager, object: object, input: Record<string, unknown>): Promise<void> {
  em.assign(object, entityData(em, object.constructor as EntityClass<object>, input) as never);
  await (object as EntityHooks).beforeSave?.(em);
}
