import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { TaskGroup } from '../../db/entities/task-group.js';
import { Task } from '../../db/entities/task.js';
import { createTaskGroup } from '../../tasking/task-groups.js';
import type { TestTaskArgs } from '../../tasking/test-task.js';
import { Access } from '../../access/rules.js';
import type { GraphQLContext } from '../context.js';
import { badInput, forbidden } from '../errors.js';

function allowTestTasks(ctx: GraphQLContext): void {
  if (!ctx.services.config.testTasks) throw forbidden('Test tasks are disabled; start Larder with LARDER_TEST_TASKS=1');
}

/** Test support, enabled only by LARDER_TEST_TASKS=1 (otherwise FORBIDDEN). */
@Resolver()
export class TestTaskResolver {
  @Mutation(() => Task, {
    description: 'Test support (LARDER_TEST_TASKS=1): a task that sleeps, then succeeds or fails. `marker` records each run '
      + 'of its body; `ignoreCancel` keeps it sleeping when cancelled; `children` dispatches child tasks first; '
      + '`incompleteVersionOf` leaves an incomplete version of that repository, as a sync dying half-way would; '
      + '`lateFile`, after the sleep, dispatches a child and stores those bytes as a file.',
  })
  @Access({ signedIn: true })
  async dispatchTestTask(
    @Arg('sleepMs', () => Int) sleepMs: number,
    @Ctx() ctx: GraphQLContext,
    @Arg('exclusiveResources', () => [String], { nullable: true }) exclusiveResources?: string[],
    @Arg('sharedResources', () => [String], { nullable: true }) sharedResources?: string[],
    @Arg('fail', () => Boolean, { nullable: true }) fail?: boolean,
    @Arg('taskGroupId', () => ID, { nullable: true }) taskGroupId?: string,
    @Arg('marker', () => String, { nullable: true }) marker?: string,
    @Arg('ignoreCancel', () => Boolean, { nullable: true }) ignoreCancel?: boolean,
    @Arg('children', () => Int, { nullable: true }) children?: number,
    @Arg('incompleteVersionOf', () => ID, { nullable: true }) incompleteVersionOf?: string,
    @Arg('lateFile', () => String, { nullable: true }) lateFile?: string,
  ): Promise<Task> {
    allowTestTasks(ctx);
    if (sleepMs < 0 || sleepMs > 3_600_000) throw badInput('sleepMs must be between 0 and 3600000', 'sleepMs');
    if ((children ?? 0) < 0 || (children ?? 0) > 100) throw badInput('children must be between 0 and 100', 'children');
    const args: TestTaskArgs = {
      sleepMs, fail: fail ?? false, marker: marker ?? null, ignoreCancel: ignoreCancel ?? false, children: children ?? 0,
      incompleteVersionOf: incompleteVersionOf ?? null, lateFile: lateFile ?? null,
    };
    return ctx.services.tasks.dispatch('core.test', { ...args }, { exclusiveResources, sharedResources, taskGroupId });
  }

  @Mutation(() => TaskGroup, { description: 'Test support (LARDER_TEST_TASKS=1): an empty task group to dispatch test tasks into.' })
  @Access({ signedIn: true })
  async createTestTaskGroup(@Arg('description', () => String) description: string, @Ctx() ctx: GraphQLContext): Promise<TaskGroup> {
    allowTestTasks(ctx);
    return createTaskGroup(ctx, description);
  }
}
