import { defineTask, TaskFailure } from './task-definition.js';

interface TestTaskArgs {
  sleepMs: number;
  fail: boolean;
}

/** Sleeps, honouring cancellation, then succeeds or fails: for tests and benchmarks of the tasking system. */
export const testTask = defineTask<TestTaskArgs>({
  name: 'core.test',
  async run(ctx) {
    if (ctx.args.sleepMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ctx.args.sleepMs);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new TaskFailure('cancelled', 'CANCELED'));
        }, { once: true });
      });
    }
    if (ctx.args.fail) throw new TaskFailure('the test task failed as asked', 'TEST_FAILURE');
  },
});
