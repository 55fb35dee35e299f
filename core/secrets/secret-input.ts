import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sealedAs } from './secret-types.js';

/**
 * The input with its secret fields (those stored sealed) sealed already: what a create or update
 * task carries in its arguments, so a password never lies in clear in a task row, a queue or a log.
 */
export function sealSecretInput(em: EntityManager, entity: EntityClass<object>, input: Record<string, unknown>): Record<string, unknown> {
  const properties = em.getMetadata().get(entity.name).properties as Record<string, { customType?: unknown } | undefined>;
  return Object.fromEntries(Object.entries(input).map(([name, value]) => [name, sealedAs(properties[name]?.customType, value)]));
}
