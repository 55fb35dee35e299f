import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Task } from '../../db/entities/task.js';
import { TaskState } from '../../db/entities/task-state.js';
import { Worker } from '../../db/entities/worker.js';
import { Access } from '../../access/rules.js';
import type { GraphQLContext } from '../context.js';

@Resolver(() => Worker)
export class WorkerResolver {
  @Query(() => [Worker], { description: 'Every worker that has heartbeated, online or not.' })
  @Access({ admin: true })
  async workers(@Ctx() ctx: GraphQLContext): Promise<Worker[]> {
    return ctx.em.find(Worker, {}, { orderBy: { name: 'asc' } });
  }

  @FieldResolver(() => Boolean, { description: 'Heartbeat fresher than the worker TTL.' })
  online(@Root() worker: Worker, @Ctx() ctx: GraphQLContext): boolean {
    return Date.now() - worker.lastHeartbeat.getTime() < ctx.services.config.workerTtlMs;
  }

  @FieldResolver(() => Task, { nullable: true, description: 'The oldest task it is running now.' })
  async currentTask(@Root() worker: Worker, @Ctx() ctx: GraphQLContext): Promise<Task | null> {
    const tasks = await this.running(worker, ctx);
    return tasks[0] ?? null;
  }

  @FieldResolver(() => [Task], { description: 'Every task it is running now.' })
  currentTasks(@Root() worker: Worker, @Ctx() ctx: GraphQLContext): Promise<Task[]> {
    return this.running(worker, ctx);
  }

  private running(worker: Worker, ctx: GraphQLContext): Promise<Task[]> {
    return ctx.loaders
      .custom<string, Task[]>('runningByWorker', async (names) => {
        const tasks = await ctx.em.find(
          Task,
          { worker: { $in: [...names] }, state: { $in: [TaskState.RUNNING, TaskState.CANCELING] } },
          { orderBy: { startedAt: 'asc' } },
        );
        return names.map((name) => tasks.filter((t) => t.worker === name));
      })
      .load(worker.name);
  }
}
