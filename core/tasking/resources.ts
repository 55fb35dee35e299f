import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/** `<kind>:<id>`: the name under which an object is reserved by tasks. */
export function resourceName(kind: string, id: string): string {
  return `${kind}:${id}`;
}

/**
 * The kind of an object is its base type's table (`repository`, `remote`, `distribution`, …),
 * so every plugin's repositories share one namespace of locks.
 */
export function entityKind(em: EntityManager, entity: EntityClass<unknown>): string {
  const meta = em.getMetadata().get(entity.name);
  return (meta.root ?? meta).tableName;
}

export function objectResource(em: EntityManager, entity: EntityClass<unknown>, id: string): string {
  return resourceName(entityKind(em, entity), id);
}
