import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { TaskGroup } from '../../db/entities/task-group.js';
import { FINAL_TASK_STATES, isFinalTaskState, TaskState } from '../../db/entities/task-state.js';
import { Task, TaskError } from '../../db/entities/task.js';
import { User } from '../../db/entities/user.js';
import { isUuid } from '../../db/uuid7.js';
import { DateTime } from '../../scalars.js';
import { followTask, taskEventStream } from '../../tasking/task-follow.js';
import { taskFromRow } from '../../tasking/task-row.js';
import { TaskVisibility } from '../../access/task-visibility.js';
import { Access } from '../../access/rules.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';
import { badInput, conflict, forbidden, notFound } from '../errors.js';
import { filterMatches } from '../filter-where.js';
import { OrderDirection } from '../types/operator-filters.js';

const reservedResource = {
  type: () => String,
  description: 'Tasks that hold this resource, exclusively or shared.',
  where: (resource: string) => ({
    $or: [{ exclusiveResources: { $contains: [resource] } }, { sharedResources: { $contains: [resource] } }],
  }),
};

function holds(task: Task, resource: string): boolean {
  return task.exclusiveResources.includes(resource) || task.sharedResources.includes(resource);
}

const TaskRead = createReadResolver({
  entity: Task,
  listing: {
    extraFilters: { reservedResource },
    defaultOrder: [{ field: 'createdAt', direction: OrderDirection.DESC }],
  },
});

@Resolver(() => Task)
export class TaskResolver extends TaskRead {
  @FieldResolver()
  exclusiveResources(@Root() task: Task, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    return ctx.access.taskDetails.resources(task, task.exclusiveResources);
  }

  @FieldResolver()
  sharedResources(@Root() task: Task, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    return ctx.access.taskDetails.resources(task, task.sharedResources);
  }

  @FieldResolver()
  error(@Root() task: Task, @Ctx() ctx: GraphQLContext): Promise<TaskError | null> {
    return ctx.access.taskDetails.error(task);
  }

  @FieldResolver(() => Task, { nullable: true })
  parentTask(@Root() task: Task, @Ctx() ctx: GraphQLContext): Promise<Task | null> {
    return ctx.loaders.load(Task, task.parentTaskId);
  }

  @FieldResolver(() => [Task], { description: 'The tasks it dispatched that the caller may see.' })
  childTasks(@Root() task: Task, @Ctx() ctx: GraphQLContext): Promise<Task[]> {
    return ctx.loaders
      .custom<string, Task[]>('childTasks', async (ids) => {
        const visible = await ctx.access.visible(Task);
        const children = await ctx.em.find(Task, { $and: [{ parentTaskId: { $in: [...ids] } }, visible()] }, { orderBy: { id: 'asc' } });
        return ids.map((id) => children.filter((c) => c.parentTaskId === id));
      })
      .load(task.id);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who dispatched it (null: Larder itself, or a user since deleted).' })
  user(@Root() task: Task, @Ctx() ctx: GraphQLContext): Promise<User | null> {
    return ctx.loaders.load(User, task.userId);
  }

  @FieldResolver(() => TaskGroup, { nullable: true })
  taskGroup(@Root() task: Task, @Ctx() ctx: GraphQLContext): Promise<TaskGroup | null> {
    return ctx.loaders.load(TaskGroup, task.taskGroupId);
  }

  @Mutation(() => Task, {
    description: 'WAITING → CANCELED at once; RUNNING → CANCELING, its AbortSignal fires, and it ends CANCELED once it stops '
      + '(whatever it throws on the way out). One that has not stopped after LARDER_CANCEL_GRACE_MS ends FAILED with code '
      + 'CANCEL_TIMEOUT and its reservations are released. A final task is a CONFLICT.',
  })
  @Access({ signedIn: true })
  async cancelTask(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Task> {
    const task = isUuid(id) ? await ctx.loaders.byId(Task).load(id) : null;
    if (!task) throw notFound('Task', id);
    if (!(await ctx.access.holds(task.permission ?? null, task.userId ?? null))) {
      throw forbidden('Cancelling a task needs the permission its dispatch needed');
    }
    if (isFinalTaskState(task.state)) throw conflict(`Task ${id} is already ${task.state}`);
    const row = await ctx.services.lifecycle.cancel(id);
    if (!row) throw conflict(`Task ${id} finished before it could be cancelled`);
    return taskFromRow(row);
  }

  @Mutation(() => Task, {
    description: 'Deletes finished tasks (by default in any final state) that finished before the given time, in batches, '
      + 'in a task whose progress report counts them.',
  })
  @Access({ admin: true })
  async purgeTasks(
    @Arg('finishedBefore', () => DateTime) finishedBefore: Date,
    @Ctx() ctx: GraphQLContext,
    @Arg('states', () => [TaskState], { nullable: true }) states?: TaskState[],
  ): Promise<Task> {
    const chosen = states ?? [...FINAL_TASK_STATES];
    if (chosen.length === 0 || !chosen.every(isFinalTaskState)) {
      throw badInput(`states must be final states (${FINAL_TASK_STATES.join(', ')})`, 'states');
    }
    return ctx.services.tasks.dispatch('core.purge-tasks', { finishedBefore: finishedBefore.toISOString(), states: chosen }, {
      exclusiveResources: ['core:purge-tasks'],
    });
  }

  @Access({ signedIn: true })
  @Subscription(() => Task, {
    description: 'The task as it is now, then every change; completes after a final state.',
    subscribe: async ({ args, context }) => {
      const ctx = context as GraphQLContext;
      const id = args.id as string;
      if (!isUuid(id)) throw notFound('Task', id);
      const visible = await ctx.access.visible(Task);
      const visibility = await TaskVisibility.start(ctx, ctx.access.caller!);
      const stream = await followTask(ctx.services.events, id, () => ctx.em.fork().findOne(Task, { $and: [{ id }, visible()] }),
        (task) => visibility.accepts(task), () => visibility.stop());
      if (!stream) {
        visibility.stop();
        throw notFound('Task', id);
      }
      return stream;
    },
  })
  taskUpdated(@Root() task: Task, @Arg('id', () => ID) _id: string): Task {
    return task;
  }

  @Access({ signedIn: true })
  @Subscription(() => Task, {
    description: 'Every change of every task the caller may see that matches the filter.',
    subscribe: async ({ args, context }) => {
      const ctx = context as GraphQLContext;
      const filter = args.filter as Record<string, unknown> | undefined;
      const visibility = await TaskVisibility.start(ctx, ctx.access.caller!);
      return taskEventStream(ctx.services.events, (task) => visibility.accepts(task)
        && filterMatches(task as unknown as Record<string, unknown>, filter, { reservedResource: holds }), () => visibility.stop());
    },
  })
  taskEvents(@Root() task: Task, @Arg('filter', () => TaskRead.listing.Filter, { nullable: true }) _filter?: unknown): Task {
    return task;
  }
}
