import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, TASK_FIELDS } from './support/tasks.js';
import { dispatchTestTask } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 1 });
});
afterAll(async () => {
  await t?.stop();
});

/** Finished tasks from `daysAgo` days ago, written straight into the table as history. */
async function history(count: number, state: string, daysAgo: number): Promise<void> {
  await t.sql(
    `insert into task (id, created_at, updated_at, started_at, finished_at, name, state, args, exclusive_resources,
                       shared_resources, progress_reports, created_resources)
     select gen_random_uuid(), d, d, d, d, 'core.test', $2, '{}', '{}', '{}', '[]', '{}'
     from generate_series(1, $1) g, lateral (select now() - make_interval(days => $3) - g * interval '1 second' as d) at`,
    [count, state, daysAgo],
  );
}

async function purge(before: Date, states?: string[]) {
  const { purgeTasks } = await t.client.data(
    `mutation ($before: DateTime!, $states: [TaskState!]) { purgeTasks(finishedBefore: $before, states: $states) { ${TASK_FIELDS} } }`,
    { before: before.toISOString(), states },
  );
  return finished(t.client, purgeTasks);
}

const countByState = async () => Object.fromEntries(
  (await t.sql<{ state: string; n: number }>(`select state, count(*)::int as n from task group by state`)).map((r) => [r.state, r.n]));

describe('purgeTasks', () => {
  it('deletes old finished tasks in batches, in a task that counts them, and keeps recent and unfinished ones', async () => {
    await history(2_500, 'COMPLETED', 10);
    await history(300, 'FAILED', 10);
    const recent = await finished(t.client, await dispatchTestTask(t.client, {}));
    const blocker = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['purge:busy'] });
    const waiting = await dispatchTestTask(t.client, { exclusive: ['purge:busy'] });

    const dayAgo = new Date(Date.now() - 86_400_000);
    const onlyFailed = await purge(dayAgo, ['FAILED']);
    expect(onlyFailed.state).toBe('COMPLETED');
    expect(onlyFailed.progressReports).toMatchObject([{ code: 'purge.tasks', state: 'COMPLETED', done: 300 }]);

    const rest = await purge(dayAgo);
    expect(rest.progressReports).toMatchObject([{ code: 'purge.tasks', state: 'COMPLETED', done: 2_500 }]);
    const left = await t.sql<{ id: string }>('select id from task');
    expect(left.map((r) => r.id).sort()).toEqual([recent.id, blocker.id, waiting.id, onlyFailed.id, rest.id].sort());
    expect(await countByState()).toEqual({ COMPLETED: 3, RUNNING: 1, WAITING: 1 });
  });

  it('refuses states that are not final (BAD_USER_INPUT)', async () => {
    expect(await t.client.errorCode(
      `mutation { purgeTasks(finishedBefore: "2020-01-01T00:00:00Z", states: [RUNNING]) { id } }`,
    )).toBe('BAD_USER_INPUT');
  });
});
