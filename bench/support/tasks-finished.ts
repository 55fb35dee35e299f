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
