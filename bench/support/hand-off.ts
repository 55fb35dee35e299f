import type { TestLarder } from '../../test/support/test-larder.js';
import { until } from '../../test/support/wait.js';

export interface HandOffs {
  /** From each task's body end to the next one's body start, in ms, by the database clock to the microsecond. */
  bodyMs: number[];
  /** From each task's finishedAt to the next one's startedAt, in ms, as the API shows them (whole milliseconds). */
  recordedMs: number[];
}

/**
 * Queues `length` tasks on one resource, exclusively, and measures each hand-off: the time from
 * one task's end to the start of the next one waiting for the resource.
 */
export async function measureHandOffs(t: TestLarder, resource: string, length: number): Promise<HandOffs> {
  const marker = `handoff:${resource}`;
  const tasks = await t.larder.tasks.dispatchMany(Array.from({ length }, () => ({
    name: 'core.test', args: { sleepMs: 0, fail: false, marker }, options: { exclusiveResources: [resource] },
  })));
  const ids = tasks.map((task) => task.id);
  await until('the chain to finish', async () => {
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from task where id = any($1) and state = 'COMPLETED'`, [ids]);
    return n === length;
  }, 600_000);
  const rows = await t.sql<{ started: number; finished: number; bodyStart: number; bodyEnd: number }>(
    `select (extract(epoch from t.started_at) * 1e3)::float8 as started, (extract(epoch from t.finished_at) * 1e3)::float8 as finished,
            (extract(epoch from r.started_at) * 1e3)::float8 as "bodyStart", (extract(epoch from r.finished_at) * 1e3)::float8 as "bodyEnd"
     from task t join larder_test_task_run r on r.task_id = t.id where t.id = any($1) order by t.seq`, [ids]);
  const pairs = rows.slice(1).map((next, i) => [rows[i]!, next] as const);
  return {
    bodyMs: pairs.map(([before, next]) => next.bodyStart - before.bodyEnd),
    recordedMs: pairs.map(([before, next]) => next.started - before.finished),
  };
}
