import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished } from './support/tasks.js';
import { dispatchTestTask, stateReached, testRuns } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

const GRACE_MS = 1_500;

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 0 });
});
afterAll(async () => {
  await t?.stop();
});

describe('a worker process told to stop (SIGTERM)', () => {
  it('takes no new task, lets a short task finish, fails a long one with WORKER_SHUTDOWN, and leaves nothing RUNNING', async () => {
    const worker = await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '2', LARDER_SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    const short = await dispatchTestTask(t.client, { sleepMs: 500, exclusive: ['s:short'], marker: 'short' });
    const long = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['s:long'], marker: 'long' });
    const behindLong = await dispatchTestTask(t.client, { exclusive: ['s:long'], marker: 'behind' });
    await Promise.all([stateReached(t, short.id, 'RUNNING'), stateReached(t, long.id, 'RUNNING')]);

    const termAt = Date.now();
    worker.child.kill('SIGTERM');
    await worker.logged('shutting down');
    const late = await dispatchTestTask(t.client, { exclusive: ['s:late'], marker: 'late' });
    expect(await worker.exited).toBe(0);
    expect(Date.now() - termAt).toBeLessThan(GRACE_MS + 5_000);

    expect((await finished(t.client, short)).state).toBe('COMPLETED');
    const failed = await finished(t.client, long);
    expect(failed.state).toBe('FAILED');
    expect(failed.error?.code).toBe('WORKER_SHUTDOWN');
    expect(Date.parse(failed.finishedAt!) - termAt).toBeGreaterThanOrEqual(GRACE_MS - 100);
    // Its run was fenced before it was failed and cleaned up: nothing its body still did could land.
    const fences = await t.sql<{ id: string; fenced: boolean }>(
      `select id, fenced_at is not null and fenced_at <= finished_at as fenced from task where id = any($1)`, [[short.id, long.id]]);
    expect(Object.fromEntries(fences.map((row) => [row.id, row.fenced]))).toEqual({ [short.id]: false, [long.id]: true });
    expect(await t.sql(`select id from task where state in ('RUNNING', 'CANCELING')`)).toEqual([]);
    expect(await t.sql('select name from worker')).toEqual([]);
    expect(await testRuns(t, 'late')).toEqual([]);
    expect(await testRuns(t, 'behind')).toEqual([]);

    // What it did not take waits for the next worker.
    await t.spawn('worker');
    expect((await finished(t.client, late)).state).toBe('COMPLETED');
    expect((await finished(t.client, behindLong)).state).toBe('COMPLETED');
  });
});
