import type { Collection, EntityClass } from '@mikro-orm/core';
import type { GraphQLContext } from './context.js';

/**
 * One side of group membership for many objects at once (a user's groups, a group's users): one
 * query per request for the whole page, whichever side asks.
 */
export function membershipsOf<T extends { id: string }>(
  ctx: GraphQLContext, entity: EntityClass<T>, via: string, orderBy: string, id: string,
): Promise<T[]> {
  return ctx.loaders
    .custom<string, T[]>(`memberships:${entity.name}`, async (ids) => {
      const found = await ctx.em.find(entity, { [via]: { $in: [...ids] } } as never, { populate: [via] as never, orderBy: { [orderBy]: 'asc' } as never });
      const holds = (row: T, other: string) => (row as unknown as Record<string, Collection<{ id: string }>>)[via]!.getItems().some((o) => o.id === other);
      return ids.map((other) => found.filter((row) => holds(row, other)));
    })
    .load(id);
}
