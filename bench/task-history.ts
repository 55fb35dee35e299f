import 'reflect-metadata';
import { TaskStore } from '../core/tasking/task-store.js';
import { startTestLarder, type TestLarder } from '../test/support/test-larder.js';
import { until } from '../test/support/wait.js';
import { measureHandOffs } from './support/hand-off.js';
import { percentile, report } from './support/measure.js';

/**
 * Whether tasking stays fast on a table full of history: dispatch latency, dispatch-to-start
 * latency, hand-off latency and the sweep's query, first on an empty task table, then after
 * HISTORY finished tasks are inserted by SQL (and analyzed, as autovacuum would). Dispatch,
 * start, wake and sweep never scan the task table by state: they go by key, by the reservation
 * table (unfinished tasks only) or by partial indexes on the unfinished states.
 */
const HISTORY = Number(process.env.BENCH_HISTORY ?? 1_000_000);
const SAMPLES = 1_000;

async function measure(t: TestLarder, history: number): Promise<void> {
  const context = { history };
  const dispatchMs: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    const task = await t.larder.tasks.dispatch('core.test', { sleepMs: 0, fail: false }, { exclusiveResources: [`history:${history}:${i}`] });
    dispatchMs.push(performance.now() - started);
    ids.push(task.id);
  }
  await until('the tasks to complete', async () => {
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from task where id = any($1) and state = 'COMPLETED'`, [ids]);
    return n === SAMPLES;
  }, 300_000);
  const toStart = (await t.sql<{ ms: number }>(
    `select (extract(epoch from started_at - created_at) * 1e3)::float8 as ms from task where id = any($1)`, [ids])).map((r) => r.ms);
  report('dispatch_ms_p50', percentile(dispatchMs, 50), context);
  report('dispatch_ms_p99', percentile(dispatchMs, 99), context);
  report('dispatch_to_start_ms_p50', percentile(toStart, 50), context);
  report('dispatch_to_start_ms_p99', percentile(toStart, 99), context);
  const { recordedMs } = await measureHandOffs(t, `history:${history}:chain`, 300);
  report('handoff_ms_p50', percentile(recordedMs, 50), context);
  report('handoff_ms_p99', percentile(recordedMs, 99), context);
  // The sweep (and a worker's start-up) looks for runnable WAITING tasks: time it with a
  // thousand tasks waiting behind one that holds their resource.
  const resource = `history:${history}:gate`;
  const gate = await t.larder.tasks.dispatch('core.test', { sleepMs: 3_600_000, fail: false }, { exclusiveResources: [resource] });
  await t.larder.tasks.dispatchMany(Array.from({ length: SAMPLES }, () => ({
    name: 'core.test', args: { sleepMs: 0, fail: false }, options: { sharedResources: [resource] },
  })));
  const sweepStarted = performance.now();
  await new TaskStore(t.larder.orm).runnableWaiting();
  report('sweep_query_ms', performance.now() - sweepStarted, { ...context, waiting: SAMPLES });
  await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { id } }`, { id: gate.id });
}

const t = await startTestLarder({ workers: 0, env: { LOG_LEVEL: 'warn' } });
try {
  await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '8' });
  // Warm (connections, JIT) and analyzed, like the table with history will be.
  await t.larder.tasks.dispatchMany(Array.from({ length: 200 }, (_, i) => ({
    name: 'core.test', args: { sleepMs: 0, fail: false }, options: { exclusiveResources: [`history:warm:${i}`] },
  })));
  await until('the warm-up to finish', async () => (await t.sql(`select 1 from task where state <> 'COMPLETED' limit 1`)).length === 0);
  await t.sql('vacuum analyze task');
  await measure(t, 0);
  const inserting = performance.now();
  await t.sql(
    `insert into task (id, created_at, updated_at, started_at, finished_at, seq, name, state, args, exclusive_resources,
                       shared_resources, progress_reports, created_resources, worker)
     select gen_random_uuid(), d, d, d, d, nextval('task_seq'), 'core.test', (array['COMPLETED', 'FAILED', 'CANCELED'])[1 + g % 3],
            '{"sleepMs": 0}', array['history:old:' || (g % 5000)], '{}', '[]', '{}', 'gone-worker'
     from generate_series(1, $1) g, lateral (select now() - interval '30 days' + g * interval '1 second' as d) at`,
    [HISTORY],
  );
  await t.sql('vacuum analyze task');
  report('history_insert_s', (performance.now() - inserting) / 1000, { history: HISTORY });
  await measure(t, HISTORY);
} finally {
  await t.stop();
}
