import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { TaskGroup } from '../../db/entities/task-group.js';
import type { TaskState } from '../../db/entities/task-state.js';
import { isUuid } from '../../db/uuid7.js';
import { authorize } from '../authorization.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { OrderDirection } from '../types/operator-filters.js';
import { TaskStateCounts } from '../types/task-state-counts.js';
import { TaskResolver } from './task-resolver.js';

const TaskGroupRead = createReadResolver({
  entity: TaskGroup,
  listing: { defaultOrder: [{ field: 'createdAt', direction: OrderDirection.DESC }] },
});

@Resolver(() => TaskGroup)
export class TaskGroupResolver extends TaskGroupRead {
  @FieldResolver(() => TaskResolver.listing.Connection, { description: 'The tasks of the group, newest first unless ordered otherwise.' })
  tasks(
    @Root() group: TaskGroup,
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => TaskResolver.listing.Filter, { nullable: true }) filter?: Record<string, unknown>,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return TaskResolver.listing.list(ctx.em, { filter, first, after }, { taskGroupId: group.id });
  }

  @FieldResolver(() => TaskStateCounts, { description: 'How many of its tasks are in each state.' })
  counts(@Root() group: TaskGroup, @Ctx() ctx: GraphQLContext): Promise<TaskStateCounts> {
    return ctx.loaders
      .custom<string, TaskStateCounts>('taskGroupCounts', async (ids) => {
        const rows = await ctx.em.getConnection().execute<Array<{ task_group_id: string; state: TaskState; count: string }>>(
          `select task_group_id, state, count(*) as count from task where task_group_id in (${ids.map(() => '?').join(', ')})
           group by task_group_id, state`,
          [...ids],
        );
        return ids.map((id) => TaskStateCounts.of(
          rows.filter((r) => r.task_group_id === id).map((r) => ({ state: r.state, count: Number(r.count) })),
        ));
      })
      .load(group.id);
  }

  @Mutation(() => TaskGroup, {
    description: 'Closes the group to new tasks and cancels its unfinished ones. A group with nothing left to cancel is a CONFLICT.',
  })
  async cancelTaskGroup(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<TaskGroup> {
    await authorize(ctx, { action: 'cancel', type: 'TaskGroup', id });
    const cancelled = isUuid(id) ? await ctx.services.lifecycle.cancelGroup(id) : null;
    if (cancelled === null) throw notFound('TaskGroup', id);
    if (!cancelled) throw conflict(`Task group ${id} has no unfinished task to cancel`);
    return ctx.em.fork().findOneOrFail(TaskGroup, { id });
  }
}
