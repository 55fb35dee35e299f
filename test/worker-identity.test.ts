import { afterAll, beforeAll, expect, it } from 'vitest';
import { finished } from './support/tasks.js';
import { dispatchTestTask, testRuns } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { until } from './support/wait.js';

const TTL_MS = 2_000;

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 0, env: { LARDER_WORKER_TTL_MS: String(TTL_MS) } });
});
afterAll(async () => {
  await t?.stop();
});

const workerOf = async (taskId: string) =>
  (await t.sql<{ worker: string }>('select worker from task where id = $1', [taskId]))[0]!.worker;

it('fails the task of a worker killed in a container that restarts with the same host name and pid (WORKER_GONE), and runs it nowhere twice', async () => {
  const first = await t.spawn('worker', {}, { container: 'larder-box' });
  const task = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['boxed'], marker: 'boxed' });
  await until('the body to start', async () => (await testRuns(t, 'boxed')).length > 0);
  const before = await workerOf(task.id);
  expect(before).toMatch(/^larder-box-1-/);

  const killedAt = Date.now();
  first.child.kill('SIGKILL');
  await first.exited;
  const second = await t.spawn('worker', {}, { container: 'larder-box' });
  const failed = await finished(t.client, task);
  expect(failed.error?.code).toBe('WORKER_GONE');
  expect(Date.parse(failed.finishedAt!) - killedAt).toBeLessThanOrEqual(TTL_MS + 5_000);

  // The new worker has the same host name and pid, but a name of its own: it works on.
  const { workers } = await t.client.data(`{ workers { name online } }`);
  const online = workers.filter((w: { online: boolean }) => w.online).map((w: { name: string }) => w.name);
  expect(online).toHaveLength(1);
  expect(online[0]).toMatch(/^larder-box-1-/);
  expect(online[0]).not.toBe(before);
  const after = await finished(t.client, await dispatchTestTask(t.client, { exclusive: ['boxed'] }));
  expect(after).toMatchObject({ state: 'COMPLETED', worker: online[0] });
  expect(await testRuns(t, 'boxed')).toHaveLength(1);
  expect(await second.stop()).toBe(0);
});
