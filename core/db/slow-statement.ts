import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from './sql.js';

/**
 * Test support: with LARDER_TEST_TASKS=1, `LARDER_TEST_SLOW_STATEMENT=<point>:<ms>` makes the
 * statement at that point of the code take `ms` longer (a pg_sleep just before it, from the same
 * caller), as a slow or stuck statement would. Fault tests use it to make a task's statement
 * outlive the task's reservations.
 */
const [slowPoint, slowMs] = process.env.LARDER_TEST_TASKS === '1' ? (process.env.LARDER_TEST_SLOW_STATEMENT ?? '').split(':') : [];

export async function slowStatementForTest(em: EntityManager, point: string): Promise<void> {
  if (point === slowPoint) await emSql(em, 'select pg_sleep(?)', [Number(slowMs) / 1000]);
}
