import { afterAll, beforeAll, expect, it } from 'vitest';
import { PrivateRedis } from './support/redis-server.js';
import { finished, TASK_FIELDS } from './support/tasks.js';
import { dispatchTestTask, stateReached } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

const TTL_MS = 3_000;
const OUTAGE_MS = 20_000;

let redis: PrivateRedis;
let t: TestLarder;
beforeAll(async () => {
  redis = await PrivateRedis.start();
  t = await startTestLarder({ workers: 0, redisUrl: redis.url, env: { LARDER_WORKER_TTL_MS: String(TTL_MS) } });
});
afterAll(async () => {
  await t?.stop();
  await redis?.stop();
});

const stateOf = async (id: string) => (await t.sql<{ state: string; code: string | null }>(
  `select state, error->>'code' as code from task where id = $1`, [id]))[0]!;

it('records outcomes, cancels and reaps through a 20 s Redis outage, and sends the wake-ups owed when Redis is back', async () => {
  // The task whose worker dies runs alone on one worker; the others run on another.
  const doomedWorker = await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '1' });
  const doomed = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['outage:doomed'] });
  await stateReached(t, doomed.id, 'RUNNING');
  await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '4' });
  const ending = await dispatchTestTask(t.client, { sleepMs: 3_000, exclusive: ['outage:ending'] });
  const woken = await dispatchTestTask(t.client, { exclusive: ['outage:ending'] });
  const holder = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['outage:held'] });
  const waiting = await dispatchTestTask(t.client, { exclusive: ['outage:held'] });
  await Promise.all([stateReached(t, ending.id, 'RUNNING'), stateReached(t, holder.id, 'RUNNING')]);

  await redis.kill();
  const outageEnds = Date.now() + OUTAGE_MS;
  try {
    // A waiting task is cancelled, and a running one, at once.
    const cancelStarted = Date.now();
    for (const id of [waiting.id, holder.id]) {
      await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { ${TASK_FIELDS} } }`, { id });
    }
    expect(Date.now() - cancelStarted).toBeLessThan(2_000);
    expect(await stateOf(waiting.id)).toEqual({ state: 'CANCELED', code: null });
    // Its worker hears of the running one's cancellation from its heartbeat, and records it.
    await stateReached(t, holder.id, 'CANCELED', OUTAGE_MS / 2);
    // The task that ends on its own is recorded.
    await stateReached(t, ending.id, 'COMPLETED', OUTAGE_MS / 2);
    // A worker killed meanwhile is reaped.
    await doomedWorker.stop('SIGKILL');
    await stateReached(t, doomed.id, 'FAILED', TTL_MS + 5_000);
    expect(await stateOf(doomed.id)).toEqual({ state: 'FAILED', code: 'WORKER_GONE' });
    // All of it while Redis was still away.
    expect(Date.now()).toBeLessThan(outageEnds);
    expect((await stateOf(woken.id)).state).toBe('WAITING');
  } finally {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageEnds - Date.now())));
    await redis.restart();
  }
  expect((await finished(t.client, woken)).state).toBe('COMPLETED');
}, 60_000);
