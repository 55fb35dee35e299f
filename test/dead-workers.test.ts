import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished } from './support/tasks.js';
import { dispatchTestTask, stateReached, testRuns } from './support/test-tasks.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { until } from './support/wait.js';

const TTL_MS = 2_000;

let t: TestLarder;
beforeAll(async () => {
  // This process serves the API and runs no worker; its watchdog is one of the reapers.
  t = await startTestLarder({ workers: 0, env: { LARDER_WORKER_TTL_MS: String(TTL_MS) } });
});
afterAll(async () => {
  await t?.stop();
});

describe('a worker killed in the middle of a task', () => {
  it('has its task failed with WORKER_GONE, its half-made version removed, and its queue run by another worker', async () => {
    const first = await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '1' });
    const { createFileRepository: repo } = await t.client.data(`mutation { createFileRepository(input: { name: "synced" }) { id } }`);
    const resource = `repository:${repo.id}`;
    const long = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: [resource], incompleteVersionOf: repo.id, marker: 'long' });
    const next = await dispatchTestTask(t.client, { exclusive: [resource], marker: 'next' });
    const rest = await Promise.all([1, 2, 3, 4, 5].map((i) => dispatchTestTask(t.client, { exclusive: [`other:${i}`], marker: 'rest' })));
    await stateReached(t, long.id, 'RUNNING');
    await until('the half-made version', async () =>
      (await t.sql('select 1 from repository_version where task_id = $1 and not complete', [long.id])).length > 0);

    const killedAt = Date.now();
    await first.stop('SIGKILL');
    const failed = await finished(t.client, long);
    expect(failed.state).toBe('FAILED');
    expect(failed.error?.code).toBe('WORKER_GONE');
    expect(Date.parse(failed.finishedAt!) - killedAt).toBeLessThanOrEqual(TTL_MS + 5_000);
    expect(await t.sql('select 1 from repository_version where task_id = $1', [long.id])).toEqual([]);
    const { workers } = await t.client.data(`{ workers { name online } }`);
    expect(workers).toContainEqual({ name: expect.stringContaining(`-${first.child.pid}-`), online: false });

    const redis = new Redis(t.env.REDIS_URL!);
    const queueLength = (list: string) => redis.llen(`${t.env.LARDER_REDIS_PREFIX}:tasks:${list}`);
    try {
      expect(await queueLength('active')).toBe(1);

      const second = await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '2' });
      const nextDone = await finished(t.client, next);
      expect(nextDone.state).toBe('COMPLETED');
      expect(Date.parse(nextDone.startedAt!)).toBeGreaterThanOrEqual(Date.parse(failed.finishedAt!));
      for (const task of [nextDone, ...(await Promise.all(rest.map((r) => finished(t.client, r))))]) {
        expect(task).toMatchObject({ state: 'COMPLETED', worker: expect.stringContaining(`-${second.child.pid}-`) });
      }
      expect(await testRuns(t, 'rest')).toHaveLength(5);
      expect(await testRuns(t, 'next')).toHaveLength(1);

      // The dead worker's bee-queue job was still "active"; the stall check re-queues it, and
      // starting a task PostgreSQL already settled is a no-op: the body does not run again.
      await until('the stalled job to be re-queued and dropped', async () =>
        (await queueLength('active')) === 0 && (await queueLength('waiting')) === 0, 30_000);
      expect(await second.stop()).toBe(0);
    } finally {
      redis.disconnect();
    }
    expect(await testRuns(t, 'long')).toHaveLength(1);
    expect((await t.sql<{ state: string }>('select state from task where id = $1', [long.id]))[0]!.state).toBe('FAILED');
  });

  it('has its task failed (WORKER_GONE) when only it loses PostgreSQL, and when back it stops that task, writes nothing more for it, and works on', async () => {
    // Only this worker reaches PostgreSQL through the proxy; the reaper here keeps its connection.
    const proxy = await TcpProxy.start(t.env.DATABASE_URL!);
    try {
      const worker = await t.spawn('worker', { DATABASE_URL: proxy.via(t.env.DATABASE_URL!) });
      const long = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['cut-off'], marker: 'cut-off' });
      await until('the body to start', async () => (await testRuns(t, 'cut-off')).length > 0);
      await proxy.cut();
      const failed = await finished(t.client, long);
      expect(failed.error?.code).toBe('WORKER_GONE');
      await proxy.restore();

      // Its heartbeat tells it the task is no longer its own: the body is told to stop, and the
      // outcome the reaper recorded stands. The run was fenced when it was reaped, so even the
      // body's record of being told to stop is refused.
      await worker.logged('a write of the task was refused');
      expect(worker.output.find((line) => line.includes('a write of the task was refused'))).toContain(long.id);
      expect((await testRuns(t, 'cut-off'))[0]!.abortedUs).toBeNull();
      const after = await dispatchTestTask(t.client, { exclusive: ['cut-off'] });
      const done = await finished(t.client, after);
      expect(done.worker).toContain(`-${worker.child.pid}-`);
      expect((await t.sql<{ state: string }>('select state from task where id = $1', [long.id]))[0]!.state).toBe('FAILED');
    } finally {
      await proxy.close();
    }
  });
});
