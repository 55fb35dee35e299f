import { until } from '../../test/support/wait.js';

type Sql = <Row>(text: string, values?: unknown[]) => Promise<Row[]>;

/** The database's clock, to tell the tasks of one round from earlier ones. */
export async function databaseNow(sql: Sql): Promise<Date> {
  const [{ now }] = (await sql<{ now: Date }>('select now()')) as [{ now: Date }];
  return now;
}

/** Waits until no task made since `since` is left to run. */
export function allFinished(sql: Sql, since: Date): Promise<true> {
  // Stops at the first unfinished task it finds, so polling does not load PostgreSQL meanwhile.
  return until('every task to finish', async () => {
    const [{ busy }] = (await sql<{ busy: boolean }>(
      `select exists (select 1 from task where state in ('WAITING', 'RUNNING', 'CANCELING') and created_at >= $1) as busy`, [since])) as [{ busy: boolean }];
    return !busy;
  }, 600_000) as Promise<true>;
}

/**
 * Waits until the tasks made since `since` are finished, checks that all `expected` completed, and
 * answers how long they took end to end: first created to last finished, by the database's clock, s.
 */
export async function endToEndSeconds(sql: Sql, since: Date, expected: number): Promise<number> {
  await allFinished(sql, since);
  const [row] = await sql<{ completed: number; seconds: number }>(
    `select count(*) filter (where state = 'COMPLETED')::int as completed,
            extract(epoch from max(finished_at) - min(created_at))::float8 as seconds
     from task where created_at >= $1`, [since]);
  if (row!.completed !== expected) throw new Error(`${expected - row!.completed} of ${expected} tasks did not complete`);
  return row!.seconds;
}
