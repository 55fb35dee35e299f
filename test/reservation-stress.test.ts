import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchTestTask } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { conflictingPairs } from './support/conflicting-pairs.js';
import { seededRandom } from './support/seeded-random.js';
import { until } from './support/wait.js';

const TASKS = 2_000;
const RESOURCES = 50;
const WORKERS = 4;
const SEED = Number(process.env.STRESS_SEED ?? 20_241_125);

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 0 });
  await Promise.all(Array.from({ length: WORKERS }, () => t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '4' })));
});
afterAll(async () => {
  await t?.stop();
});

interface Row {
  id: string;
  seq: number;
  exclusive: string[];
  shared: string[];
  worker: string;
  state: string;
  /** Reservation held, by PostgreSQL's transitions, in milliseconds (as the API shows them). */
  startedMs: number;
  finishedMs: number;
  /** The body ran, by the database clock, in microseconds. */
  bodyStartUs: number;
  bodyEndUs: number;
  runs: number;
}

describe('reservations under load', () => {
  it(`run ${TASKS} tasks over ${RESOURCES} resources on ${WORKERS} worker processes: each once, no conflicting pair overlapping or out of order`, async () => {
    const next = seededRandom(SEED);
    const specs = Array.from({ length: TASKS }, () => {
      const exclusive: string[] = [];
      const shared: string[] = [];
      const count = 1 + Math.floor(next() * 3);
      while (exclusive.length + shared.length < count) {
        const resource = `stress:${Math.floor(next() * RESOURCES)}`;
        if (exclusive.includes(resource) || shared.includes(resource)) continue;
        (next() < 0.5 ? exclusive : shared).push(resource);
      }
      return { sleepMs: Math.floor(next() * 21), exclusive, shared, marker: 'stress' };
    });
    let index = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (index < specs.length) await dispatchTestTask(t.client, specs[index++]!);
    }));

    await until('every task to end', async () => {
      const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from task where state in ('WAITING', 'RUNNING')`);
      return n === 0;
    }, 90_000);

    const rows = await t.sql<Row>(`
      select t.id, t.seq::int as seq, t.exclusive_resources as exclusive, t.shared_resources as shared, t.worker, t.state,
        (extract(epoch from t.started_at) * 1e3)::float8 as "startedMs", (extract(epoch from t.finished_at) * 1e3)::float8 as "finishedMs",
        (extract(epoch from min(r.started_at)) * 1e6)::float8 as "bodyStartUs", (extract(epoch from max(r.finished_at)) * 1e6)::float8 as "bodyEndUs",
        count(r.id)::int as runs
      from task t left join larder_test_task_run r on r.task_id = t.id
      group by t.id order by t.seq`);
    expect(rows).toHaveLength(TASKS);
    expect(rows.filter((r) => r.state !== 'COMPLETED' || r.runs !== 1)).toEqual([]);
    expect(new Set(rows.map((r) => r.worker)).size).toBe(WORKERS);

    const violations: string[] = [];
    let pairs = 0;
    // Every later conflicting task starts after the earlier one ended. Milliseconds are truncated,
    // so a start in the same millisecond as the end is allowed there; the microsecond body times are strict.
    for (const [resource, a, b] of conflictingPairs(rows)) {
      pairs++;
      if (b.startedMs < a.finishedMs) violations.push(`${resource}: ${b.id} started (ms) before ${a.id} ended`);
      if (b.bodyStartUs <= a.bodyEndUs) violations.push(`${resource}: ${b.id} body began (µs) before ${a.id} body ended`);
    }
    expect(violations).toEqual([]);
    expect(pairs).toBeGreaterThan(10_000);

    // Not serial by accident: bodies of tasks on disjoint resources did run side by side.
    const events = rows.flatMap((r) => [[r.bodyStartUs, 1], [r.bodyEndUs, -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let running = 0;
    let most = 0;
    for (const [, change] of events) most = Math.max(most, (running += change));
    expect(most).toBeGreaterThan(4);
  }, 120_000);
});
