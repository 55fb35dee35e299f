import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { finished } from './support/tasks.js';
import { dispatchTestTask, stateReached } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

const SWEEP_MS = 3_000;
/** What starting a task whose wake-up is back in Redis may take on a loaded machine. */
const START_SLACK_MS = 300;

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 0, env: { LARDER_SWEEP_MS: String(SWEEP_MS) } });
});
afterAll(async () => {
  await t?.stop();
});

it('starts a task whose wake-up was removed from Redis within LARDER_SWEEP_MS of its dispatch', async () => {
  // One slot, taken by a task that holds it for 2.5 s: the wake-ups of the two tasks dispatched
  // meanwhile, 1.5 s apart, wait in Redis's list, and are removed from it there by hand.
  await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '1' });
  const busy = await dispatchTestTask(t.client, { sleepMs: 2_500, exclusive: ['busy'] });
  await stateReached(t, busy.id, 'RUNNING');
  const redis = new Redis(t.env.REDIS_URL!);
  const waiting = `${t.env.LARDER_REDIS_PREFIX}:tasks:waiting`;
  try {
    const first = await dispatchTestTask(t.client, { exclusive: ['first'] });
    expect(await redis.del(waiting)).toBe(1);
    // Apart by half the bound: a sweep that came every whole bound could not start both in time.
    await delay(1_500);
    const second = await dispatchTestTask(t.client, { exclusive: ['second'] });
    expect(await redis.del(waiting)).toBe(1);
    expect((await finished(t.client, busy)).state).toBe('COMPLETED');

    for (const task of await Promise.all([finished(t.client, first), finished(t.client, second)])) {
      expect(task.state).toBe('COMPLETED');
      expect(Date.parse(task.startedAt!) - Date.parse(task.createdAt)).toBeLessThanOrEqual(SWEEP_MS + START_SLACK_MS);
    }
  } finally {
    redis.disconnect();
  }
});
