import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { finished } from './support/tasks.js';
import { dispatchTestTask, stateReached, testRuns } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { until } from './support/wait.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 0, env: { LARDER_WORKER_TTL_MS: '3000' } });
});
afterAll(async () => {
  await t?.stop();
});

it('records an outcome whose first attempts time out on a lock (lock_timeout): the task ends COMPLETED once the lock is gone', async () => {
  // Statements give up on a lock after 300 ms, as with a lock_timeout an operator set.
  const database = new URL(t.env.DATABASE_URL!).pathname.slice(1);
  await t.sql(`alter database ${database} set lock_timeout = '300ms'`);
  const worker = await t.spawn('worker');
  const task = await dispatchTestTask(t.client, { sleepMs: 300, exclusive: ['locked'], marker: 'locked' });
  await stateReached(t, task.id, 'RUNNING');

  const blocker = new pg.Client({ connectionString: t.env.DATABASE_URL });
  await blocker.connect();
  try {
    await blocker.query('begin');
    await blocker.query('select 1 from task where id = $1 for update', [task.id]);
    await until('the body to finish', async () => (await testRuns(t, 'locked'))[0]?.finishedUs != null);
    await worker.logged('retrying recording the task outcome');
  } finally {
    await blocker.query('rollback');
    await blocker.end();
  }
  expect((await finished(t.client, task)).state).toBe('COMPLETED');
  await t.sql(`alter database ${database} reset lock_timeout`);
  expect(await worker.stop()).toBe(0);
});

it('fails a task that PostgreSQL has RUNNING on a live worker which does not run it (TASK_LOST), and frees its resources', async () => {
  const worker = await t.spawn('worker');
  const running = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['stray'] });
  await stateReached(t, running.id, 'RUNNING');
  const [{ worker: name }] = await t.sql<{ worker: string }>('select worker from task where id = $1', [running.id]);
  // A task the worker lost track of: PostgreSQL says it runs there, the worker never started it.
  const lost = await dispatchTestTask(t.client, { exclusive: ['stray'] });
  const behind = await dispatchTestTask(t.client, { exclusive: ['stray'] });
  expect(await t.sql(`update task set state = 'RUNNING', worker = $2, started_at = now()
    where id = $1 and state = 'WAITING' returning id`, [lost.id, name])).toHaveLength(1);

  const failed = await finished(t.client, lost);
  expect(failed).toMatchObject({ state: 'FAILED', worker: name, error: { code: 'TASK_LOST' } });
  expect(worker.output.some((line) => line.includes('TASK_LOST') && line.includes(lost.id))).toBe(true);
  // What the worker does run is untouched; once it is done, the queue moves on.
  expect((await t.sql<{ state: string }>('select state from task where id = $1', [running.id]))[0]!.state).toBe('RUNNING');
  await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { id } }`, { id: running.id });
  expect((await finished(t.client, behind)).state).toBe('COMPLETED');
});
