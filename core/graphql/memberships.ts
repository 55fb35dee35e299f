import type { Collection, EntityClass } from '@mikro-orm/core';
import { User } from '../db/entities/user.js';
import type { GraphQLContext } from './context.js';

/**
 * One side of group membership for many objects at once (a user's groups, a group's users): one
 * query per request for the whole page, whichever side asks. Only the memberships the caller may
 * see (CallerAccess.accountShown) are asked for: a non-admin's own.
 */
export function membershipsOf<T extends { id: string }>(
  ctx: GraphQLContext, entity: EntityClass<T>, via: string, orderBy: string, id: string,
): Promise<T[]> {
  return ctx.loaders
    .custom<string, T[]>(`memberships:${entity.name}`, async (ids) => {
      const member = ctx.access.accountShown();
      const rowsAreUsers = (entity as EntityClass<unknown>) === User;
      const asked = member === null || rowsAreUsers ? [...ids] : ids.filter((user) => user === member);
      const where = { [via]: { $in: asked }, ...(member !== null && rowsAreUsers ? { id: member } : {}) };
      const found = asked.length === 0 ? [] : await ctx.em.find(entity, where as never, { populate: [via] as never, orderBy: { [orderBy]: 'asc' } as never });
      const holds = (row: T, other: string) => (row as unknown as Record<string, Collection<{ id: string }>>)[via]!.getItems().some((o) => o.id === other);
      return ids.map((other) => (asked.includes(other) ? found.filter((row) => holds(row, other)) : []));
    })
    .load(id);
}
