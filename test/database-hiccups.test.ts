import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished } from './support/tasks.js';
import { dispatchTestTask, stateReached, testRuns } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

const TTL_MS = 2_000;

let t: TestLarder;
beforeAll(async () => {
  // Every Larder connection to PostgreSQL (this api process's and the worker process's) goes
  // through a proxy the test cuts; the test's own queries go straight.
  t = await startTestLarder({ workers: 0, proxyPostgres: true, env: { LARDER_WORKER_TTL_MS: String(TTL_MS) } });
  await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '4' });
});
afterAll(async () => {
  await t?.stop();
});

describe('PostgreSQL unreachable for a moment', () => {
  it('makes the API answer SERVICE_UNAVAILABLE at once, and serve again when it is back', async () => {
    await t.postgresProxy!.cut();
    try {
      const askedAt = Date.now();
      expect(await t.client.errorCode(`{ tasks { totalCount } }`)).toBe('SERVICE_UNAVAILABLE');
      expect(await t.client.errorCode(`mutation { dispatchTestTask(sleepMs: 0) { id } }`)).toBe('SERVICE_UNAVAILABLE');
      expect(Date.now() - askedAt).toBeLessThan(5_000);
    } finally {
      await t.postgresProxy!.restore();
    }
    const task = await dispatchTestTask(t.client, {});
    expect((await finished(t.client, task)).state).toBe('COMPLETED');
  });

  it('makes a worker keep the outcome of a task that ended meanwhile, and record it (no task lost or failed) once it is back', async () => {
    // Longer than the TTL: right after, every heartbeat looks stale, yet nobody is reaped.
    const cutMs = TTL_MS + 1_000;
    const ending = await dispatchTestTask(t.client, { sleepMs: 1_500, exclusive: ['h:a'] });
    const blocked = await dispatchTestTask(t.client, { exclusive: ['h:a'], marker: 'blocked' });
    const other = await dispatchTestTask(t.client, { sleepMs: cutMs + 500, exclusive: ['h:b'] });
    await Promise.all([stateReached(t, ending.id, 'RUNNING'), stateReached(t, other.id, 'RUNNING')]);

    await t.postgresProxy!.cut();
    await delay(cutMs);
    // The first task ended during the outage; its outcome is waiting to be recorded.
    expect((await t.sql<{ state: string }>('select state from task where id = $1', [ending.id]))[0]!.state).toBe('RUNNING');
    await t.postgresProxy!.restore();

    const [endingDone, blockedDone, otherDone] = await Promise.all([ending, blocked, other].map((task) => finished(t.client, task)));
    expect([endingDone.state, blockedDone.state, otherDone.state]).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(Date.parse(blockedDone.startedAt!)).toBeGreaterThanOrEqual(Date.parse(endingDone.finishedAt!));
    expect(await testRuns(t, 'blocked')).toHaveLength(1);
  });
});
