import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { TaskGroup } from '../../db/entities/task-group.js';
import { isUuid } from '../../db/uuid7.js';
import { Access } from '../../access/rules.js';
import { Task } from '../../db/entities/task.js';
import { FINAL_TASK_STATES, type TaskState } from '../../db/entities/task-state.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { OrderDirection } from '../types/operator-filters.js';
import { TaskStateCounts } from '../types/task-state-counts.js';
import { TaskResolver } from './task-resolver.js';

type TaskConnection = InstanceType<typeof TaskResolver.listing.Connection>;

const TaskGroupRead = createReadResolver({
  entity: TaskGroup,
  listing: { defaultOrder: [{ field: 'createdAt', direction: OrderDirection.DESC }] },
});

@Resolver(() => TaskGroup)
export class TaskGroupResolver extends TaskGroupRead {
  @FieldResolver(() => TaskResolver.listing.Connection, { description: 'The tasks of the group, newest first unless ordered otherwise.' })
  async tasks(
    @Root() group: TaskGroup,
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => TaskResolver.listing.Filter, { nullable: true }) filter?: Record<string, unknown>,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const visible = await ctx.access.visible(Task);
    return ctx.loaders
      .custom<string, TaskConnection>(`groupTasks:${JSON.stringify([filter, first, after])}`, (ids) =>
        TaskResolver.listing.listEach(ctx.em, 'taskGroupId', ids, { filter, first, after }, visible),
      )
      .load(group.id);
  }

  @FieldResolver(() => TaskStateCounts, { description: 'How many of its tasks the caller may see are in each state.' })
  counts(@Root() group: TaskGroup, @Ctx() ctx: GraphQLContext): Promise<TaskStateCounts> {
    return ctx.loaders
      .custom<string, TaskStateCounts>('taskGroupCounts', async (ids) => {
        const visible = await ctx.access.visible(Task);
        const rows: Array<{ task_group_id: string; state: TaskState; count: string }> = await ctx.em.createQueryBuilder(Task, 't')
          .where({ $and: [{ taskGroupId: { $in: [...ids] } }, visible()] } as never)
          .getKnexQuery()
          .clearSelect()
          .select(ctx.em.getKnex().raw('t.task_group_id, t.state, count(*) as count'))
          .groupBy(['t.task_group_id', 't.state']);
        return ids.map((id) => TaskStateCounts.of(
          rows.filter((r) => r.task_group_id === id).map((r) => ({ state: r.state, count: Number(r.count) })),
        ));
      })
      .load(group.id);
  }

  @Mutation(() => TaskGroup, {
    description: 'Closes the group to new tasks and cancels its unfinished ones. A group with nothing left to cancel is a CONFLICT.',
  })
  @Access({ signedIn: true })
  async cancelTaskGroup(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<TaskGroup> {
    if (!isUuid(id) || !(await ctx.loaders.byId(TaskGroup).load(id))) throw notFound('TaskGroup', id);
    // What cancelling needs, once per permission and dispatcher however many tasks the group has.
    const needs: Array<{ permission: string | null; userId: string | null }> = await ctx.em.createQueryBuilder(Task, 't')
      .select(['permission', 'userId']).distinct()
      .where({ taskGroupId: id, state: { $nin: [...FINAL_TASK_STATES] } })
      .execute();
    for (const { permission, userId } of needs) {
      // Not naming the task: the caller may not even see it.
      if (!(await ctx.access.holds(permission, userId))) {
        throw forbidden("Cancelling the group needs the permission each of its tasks' dispatch needed, and one of its unfinished tasks is not yours to cancel");
      }
    }
    const cancelled = await ctx.services.lifecycle.cancelGroup(id);
    if (cancelled === null) throw notFound('TaskGroup', id);
    if (!cancelled) throw conflict(`Task group ${id} has no unfinished task to cancel`);
    return ctx.em.fork().findOneOrFail(TaskGroup, { id });
  }
}
