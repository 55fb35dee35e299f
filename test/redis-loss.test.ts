import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchRequest } from '../core/tasking/dispatcher.js';
import { PrivateRedis } from './support/redis-server.js';
import { dispatchTestTask, stateReached } from './support/test-tasks.js';
import { deleteRedisKeys, startTestLarder, type TestLarder } from './support/test-larder.js';
import { until } from './support/wait.js';

let redis: PrivateRedis;
let t: TestLarder;
beforeAll(async () => {
  // A Redis of this file's own, so that it can be killed and restarted empty, behind a proxy
  // the test can cut; two worker processes of four slots each.
  redis = await PrivateRedis.start();
  t = await startTestLarder({ workers: 0, redisUrl: redis.url, proxyRedis: true, env: { LARDER_WORKER_TTL_MS: '3000' } });
  await Promise.all([1, 2].map(() => t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '4' })));
});
afterAll(async () => {
  await t?.stop();
  await redis?.stop();
});

const SLOTS = 8;

/**
 * Fills every worker slot with a long task, queues `blocked` tasks behind them and `runnable`
 * ones on free resources (queued in Redis, since no slot is free); all record their runs under
 * `marker`. Returns once the long ones run.
 */
async function busyLarder(marker: string, blocked: number, runnable: number): Promise<void> {
  const long = await Promise.all(Array.from({ length: SLOTS }, (_, i) =>
    dispatchTestTask(t.client, { sleepMs: 3_000, exclusive: [`${marker}:long-${i}`], marker })));
  await Promise.all(long.map((task) => stateReached(t, task.id, 'RUNNING')));
  const requests: DispatchRequest[] = [
    ...Array.from({ length: blocked }, (_, i) => ({ exclusive: `${marker}:long-${i % SLOTS}` })),
    ...Array.from({ length: runnable }, (_, i) => ({ exclusive: `${marker}:free-${i}` })),
  ].map(({ exclusive }) => ({ name: 'core.test', args: { sleepMs: 0, fail: false, marker }, options: { exclusiveResources: [exclusive] } }));
  await t.larder.tasks.dispatchMany(requests);
}

async function states(marker: string): Promise<Record<string, number>> {
  const rows = await t.sql<{ state: string; n: number }>(
    `select state, count(*)::int as n from task where args->>'marker' = $1 group by state`, [marker]);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/** Waits until every task of the marker is final; then each must be COMPLETED, its body run exactly once. */
async function everyTaskRanOnce(marker: string, total: number): Promise<void> {
  await until(`the ${marker} tasks to end`, async () => (await states(marker)).COMPLETED === total, 60_000);
  const runs = await t.sql<{ task_id: string; n: number }>(
    'select task_id, count(*)::int as n from larder_test_task_run where marker = $1 group by task_id', [marker]);
  expect(runs).toHaveLength(total);
  expect(runs.filter((r) => r.n !== 1)).toEqual([]);
}

describe('Redis losing its data', () => {
  it('flushed (every key of the prefix deleted) with 500 tasks WAITING and 8 RUNNING: each task still runs, once', async () => {
    await busyLarder('flush', 400, 100);
    expect(await states('flush')).toEqual({ RUNNING: SLOTS, WAITING: 500 });
    const direct = new Redis(redis.url);
    try {
      expect(await direct.llen(`${t.env.LARDER_REDIS_PREFIX}:tasks:waiting`)).toBeGreaterThanOrEqual(100);
    } finally {
      direct.disconnect();
    }
    expect(await deleteRedisKeys(t.env.LARDER_REDIS_PREFIX!, redis.url)).toBeGreaterThan(0);
    await everyTaskRanOnce('flush', SLOTS + 500);
  });

  it('restarted empty (killed, Lua scripts gone too) with tasks waiting and running: each task still runs, once', async () => {
    await busyLarder('restart', 100, 20);
    await redis.restart();
    await everyTaskRanOnce('restart', SLOTS + 120);
  });
});

describe('Redis unreachable for a moment', () => {
  it('keeps the API answering and subscriptions alive, and loses no task and runs none twice once it is back', async () => {
    await busyLarder('outage', 100, 20);
    const watched = await dispatchTestTask(t.client, { exclusive: ['outage:long-0'], marker: 'outage' });
    let subscribed!: () => void;
    const following = new Promise<void>((resolve) => (subscribed = resolve));
    const seen = t.client.subscribeUntilComplete<{ taskUpdated: { state: string } }>(
      `subscription ($id: ID!) { taskUpdated(id: $id) { state } }`, { id: watched.id }, subscribed);
    await following;
    await t.redisProxy!.cut();
    try {
      const during = await dispatchTestTask(t.client, { exclusive: ['outage:during'], marker: 'outage' });
      expect(during.state).toBe('WAITING');
      await delay(1_000);
    } finally {
      await t.redisProxy!.restore();
    }
    await everyTaskRanOnce('outage', SLOTS + 122);
    expect((await seen).map((e) => e.taskUpdated.state)).toEqual(['WAITING', 'RUNNING', 'COMPLETED']);
  });
});
