import 'reflect-metadata';
import { join } from 'node:path';
import BeeQueue from 'bee-queue';
import { spawnNode, type LarderProcess } from '../test/support/larder-process.js';
import { startTestLarder, type TestLarder } from '../test/support/test-larder.js';
import { until } from '../test/support/wait.js';
import { inParallel, peakRssMb, percentile, report } from './support/measure.js';
import { cpuMs, type ProcessSelector } from './support/process-cpu.js';

/**
 * Task throughput (issue 2): N trivial tasks on disjoint resources through the real path
 * (dispatch → PostgreSQL → Redis → worker process → COMPLETED in PostgreSQL) with 1, 2 and 4
 * worker processes; then, against the same Redis, N bee-queue jobs that do nothing, with as many
 * plain bee-queue worker processes of the same concurrency: the ceiling of the transport alone.
 * Each round also says how much CPU time each part of the system spent per task (or job).
 */
const N = Number(process.env.BENCH_TASKS ?? 5_000);
/** Slots per worker process, Larder's and raw bee-queue's alike (tiny tasks want many). */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Dispatches (and raw saves) in flight at once, like many API requests. */
const IN_FLIGHT = 32;
const WORKER_COUNTS = [1, 2, 4];

/**
 * Where the machine's CPU time goes during a round, per task or job: the parts of the system by
 * their processes (the api is this process, which also dispatches).
 */
async function cpuPerItem(parts: Record<string, ProcessSelector>, items: number, context: Record<string, unknown>, round: () => Promise<void>): Promise<void> {
  const before = Object.fromEntries(Object.entries(parts).map(([part, selector]) => [part, cpuMs(selector)]));
  await round();
  let total = 0;
  for (const [part, selector] of Object.entries(parts)) {
    const used = cpuMs(selector) - before[part]!;
    total += used;
    report('cpu_us_per_item', (used * 1000) / items, { ...context, part });
  }
  report('cpu_us_per_item', (total * 1000) / items, { ...context, part: 'total' });
}

const POSTGRES: ProcessSelector = { commandIncludes: 'postgres' };
const REDIS: ProcessSelector = { commandIncludes: 'redis-server' };
const THIS_PROCESS: ProcessSelector = { pids: [process.pid] };

async function larderRound(t: TestLarder, workers: number): Promise<number> {
  const processes = await Promise.all(Array.from({ length: workers }, () =>
    t.spawn('worker', { LARDER_WORKER_CONCURRENCY: String(CONCURRENCY) })));
  const since = new Date();
  const parts = { postgres: POSTGRES, redis: REDIS, workers: { pids: processes.map((p) => p.child.pid!) }, api: THIS_PROCESS };
  await cpuPerItem(parts, N, { system: 'larder', workers }, async () => {
    await inParallel(IN_FLIGHT, N, (i) => t.larder.tasks.dispatch('core.test', { sleepMs: 0, fail: false }, {
      exclusiveResources: [`bench:${workers}:${i}`],
    }));
    // The probe stops at the first unfinished task it finds, so polling does not load PostgreSQL
    // while it is being measured.
    await until('every task to finish', async () => {
      const [{ busy }] = await t.sql<{ busy: boolean }>(
        `select exists (select 1 from task where state in ('WAITING', 'RUNNING', 'CANCELING') and created_at >= $1) as busy`, [since]);
      return !busy;
    }, 600_000);
  });
  const [{ completed }] = await t.sql<{ completed: number }>(
    `select count(*)::int as completed from task where state = 'COMPLETED' and created_at >= $1`, [since]);
  if (completed !== N) throw new Error(`${N - completed} of ${N} tasks did not complete`);
  const rows = await t.sql<{ created: number; started: number; finished: number }>(
    `select (extract(epoch from created_at) * 1e3)::float8 as created, (extract(epoch from started_at) * 1e3)::float8 as started,
            (extract(epoch from finished_at) * 1e3)::float8 as finished
     from task where created_at >= $1`, [since]);
  const seconds = (Math.max(...rows.map((r) => r.finished)) - Math.min(...rows.map((r) => r.created))) / 1000;
  const rate = N / seconds;
  const latencies = rows.map((r) => r.started - r.created);
  const context = { workers, tasks: N, concurrency: CONCURRENCY };
  report('tasks_per_s', rate, context);
  report('dispatch_to_start_ms_p50', percentile(latencies, 50), context);
  report('dispatch_to_start_ms_p99', percentile(latencies, 99), context);
  report('worker_peak_rss_mb', Math.max(...processes.map((p) => peakRssMb(p.child.pid!))), context);
  await Promise.all(processes.map((p) => p.stop()));
  return rate;
}

async function rawRound(redisUrl: string, prefix: string, workers: number): Promise<number> {
  const env = { REDIS_URL: redisUrl, RAW_PREFIX: prefix, RAW_QUEUE: `raw-${workers}`, RAW_CONCURRENCY: String(CONCURRENCY) };
  const processes: LarderProcess[] = await Promise.all(Array.from({ length: workers }, async () => {
    const raw = spawnNode(join('dist', 'bench', 'raw-bee-worker.js'), [], env);
    await raw.logged('raw worker ready');
    return raw;
  }));
  const queue = new BeeQueue(env.RAW_QUEUE, { prefix, redis: { url: redisUrl }, isWorker: false, getEvents: false, sendEvents: false, storeJobs: false });
  await queue.ready();
  const started = performance.now();
  const parts = { redis: REDIS, workers: { pids: processes.map((p) => p.child.pid!) }, producer: THIS_PROCESS };
  await cpuPerItem(parts, N, { system: 'raw-bee-queue', workers }, async () => {
    await inParallel(IN_FLIGHT, N, (i) => queue.createJob({ i }).save());
    await until('the raw queue to drain', async () => {
      const health = await queue.checkHealth();
      return health.waiting === 0 && health.active === 0;
    }, 600_000);
  });
  const rate = N / ((performance.now() - started) / 1000);
  report('raw_bee_queue_jobs_per_s', rate, { workers, jobs: N, concurrency: CONCURRENCY });
  await queue.destroy();
  await queue.close();
  await Promise.all(processes.map((p) => p.stop()));
  return rate;
}

async function main(): Promise<void> {
  const t = await startTestLarder({ workers: 0, env: { LARDER_DB_POOL: '20', LOG_LEVEL: 'warn', LARDER_SHUTDOWN_GRACE_MS: '5000' } });
  try {
    const tasks: Record<number, number> = {};
    for (const workers of WORKER_COUNTS) tasks[workers] = await larderRound(t, workers);
    for (const workers of WORKER_COUNTS) {
      const raw = await rawRound(t.env.REDIS_URL!, `${t.env.LARDER_REDIS_PREFIX}-raw`, workers);
      report('tasks_to_raw_ratio', tasks[workers]! / raw, { workers });
    }
    report('bench_process_peak_rss_mb', process.resourceUsage().maxRSS / 1024);
  } finally {
    await t.stop();
  }
}

await main();
