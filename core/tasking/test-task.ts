import { Readable } from 'node:stream';
import { RepositoryVersion } from '../db/entities/repository-version.js';
import { beginTestRun, endTestRun } from './test-task-runs.js';
import { defineTask, TaskFailure, type TaskContext } from './task-definition.js';

export interface TestTaskArgs {
  sleepMs: number;
  fail: boolean;
  /** Records the run (see test-task-runs.ts) under this marker. */
  marker?: string | null;
  /** Keeps sleeping when cancelled, as a task that never checks its signal would. */
  ignoreCancel?: boolean;
  /** Child test tasks to dispatch before sleeping. */
  children?: number;
  /** Creates an incomplete version of this repository first, as a sync that dies half-way would leave. */
  incompleteVersionOf?: string | null;
  /**
   * After sleeping, dispatches a child test task and moves these bytes into the artifact store:
   * writes that a run which lost its reservations meanwhile must not make.
   */
  lateFile?: string | null;
}

function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('the sleep was interrupted'));
    }, { once: true });
  });
}

async function createIncompleteVersion(ctx: TaskContext<TestTaskArgs>, repositoryId: string): Promise<void> {
  const [latest] = await ctx.em.find(RepositoryVersion, { repository: repositoryId }, { orderBy: { number: 'desc' }, limit: 1 });
  ctx.em.create(RepositoryVersion, { repository: repositoryId, number: (latest?.number ?? 0) + 1, taskId: ctx.task.id });
  await ctx.em.flush();
}

async function writeLate(ctx: TaskContext<TestTaskArgs>, bytes: string): Promise<void> {
  const attempts = await Promise.allSettled([
    ctx.dispatch('core.test', { sleepMs: 0, fail: false }),
    ctx.storage.stage(Readable.from([Buffer.from(bytes)])).then((staged) => ctx.storage.commit(staged)),
  ]);
  const refused = attempts.find((attempt) => attempt.status === 'rejected');
  if (refused) throw refused.reason;
}

/**
 * Sleeps, honouring cancellation (it throws an error of its own when cancelled, as real tasks
 * do), then succeeds or fails: for tests and benchmarks of the tasking system.
 */
export const testTask = defineTask<TestTaskArgs>({
  name: 'core.test',
  async run(ctx) {
    const { args, signal } = ctx;
    const run = args.marker ? await beginTestRun(ctx, ctx.task.id, args.marker) : null;
    const abortSeen = run
      ? new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(endTestRun(ctx, run, 'aborted_at')), { once: true }))
      : null;
    // Awaited only if the sleep is interrupted; a record refused after the body ended (its run was
    // fenced, then the worker heard it lost the task) is no one's to handle.
    abortSeen?.catch(() => undefined);
    if (args.incompleteVersionOf) await createIncompleteVersion(ctx, args.incompleteVersionOf);
    for (let i = 0; i < (args.children ?? 0); i++) await ctx.dispatch('core.test', { sleepMs: 0, fail: false });
    try {
      if (args.sleepMs > 0) await sleep(args.sleepMs, args.ignoreCancel ? null : signal);
    } catch (error) {
      await abortSeen;
      throw error;
    }
    if (args.lateFile != null) await writeLate(ctx, args.lateFile);
    if (run) await endTestRun(ctx, run, 'finished_at');
    if (args.fail) throw new TaskFailure('the test task failed as asked', 'TEST_FAILURE');
  },
});
