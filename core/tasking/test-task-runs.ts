import { sql, type WithEntityManager } from '../db/sql.js';

/**
 * Test support (LARDER_TEST_TASKS=1 only): where the test task records each run of its body, so
 * tests can check that a body ran once and when, to the microsecond, by the database's clock
 * (one clock for every process). Created at start-up rather than by a migration, so production
 * databases never have it.
 */
export async function prepareTestTaskRuns(db: WithEntityManager): Promise<void> {
  await sql(db, `
    do $$ begin
      perform pg_advisory_xact_lock(hashtext('larder_test_task_run'));
      create table if not exists larder_test_task_run (
        id bigserial primary key, task_id uuid not null, marker text not null,
        started_at timestamptz not null default clock_timestamp(), finished_at timestamptz, aborted_at timestamptz);
    end $$`);
}

export async function beginTestRun(db: WithEntityManager, taskId: string, marker: string): Promise<string> {
  const [row] = await sql<{ id: string }>(db, 'insert into larder_test_task_run (task_id, marker) values ($1, $2) returning id', [taskId, marker]);
  return row!.id;
}

export async function endTestRun(db: WithEntityManager, runId: string, column: 'finished_at' | 'aborted_at'): Promise<void> {
  await sql(db, `update larder_test_task_run set ${column} = clock_timestamp() where id = $1`, [runId]);
}
