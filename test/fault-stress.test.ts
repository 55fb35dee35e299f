import { Redis } from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LarderProcess } from './support/larder-process.js';
import { PrivateRedis } from './support/redis-server.js';
import { dispatchTestTask, stateReached, type TestTaskSpec } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { conflictingPairs } from './support/conflicting-pairs.js';
import { seededRandom } from './support/seeded-random.js';
import { until } from './support/wait.js';

/**
 * The stress run of reservation-stress.test.ts, with faults while tasks run: one worker process
 * is killed, another is frozen past its TTL (its tasks are reaped, then it resumes), and Redis
 * restarts empty. Whatever a fault cut short, every task ends, and among the runs whose writes
 * took effect no two conflicting ones overlapped or ran out of dispatch order.
 */
const TASKS = 1_000;
const RESOURCES = 30;
const WORKERS = 4;
const TTL_MS = 3_000;
/** Longer than the TTL plus a heartbeat: the frozen worker's tasks are reaped meanwhile. */
const FREEZE_MS = 6_000;
const SEED = Number(process.env.STRESS_SEED ?? 20_250_310);
const REFUSED = 'a write of the task was refused';

let redis: PrivateRedis;
let t: TestLarder;
/** Set while a worker is stopped with SIGSTOP: a stopped process never ends on SIGTERM. */
let frozenProcess: LarderProcess | null = null;
beforeAll(async () => {
  redis = await PrivateRedis.start();
  // This process serves the API and reaps; the tasks run in worker processes.
  t = await startTestLarder({ workers: 0, redisUrl: redis.url, env: { LARDER_WORKER_TTL_MS: String(TTL_MS), LARDER_SWEEP_MS: '4000' } });
});
afterAll(async () => {
  frozenProcess?.child.kill('SIGCONT');
  await t?.stop();
  await redis?.stop();
});

/**
 * Each task holds one or two of the resources, about a third of them exclusively, and sleeps up
 * to 200 ms, so that a fault finds a dozen tasks inside their bodies.
 */
function stressSpecs(seed: number): TestTaskSpec[] {
  const next = seededRandom(seed);
  return Array.from({ length: TASKS }, () => {
    const exclusive: string[] = [];
    const shared: string[] = [];
    const count = 1 + Math.floor(next() * 2);
    while (exclusive.length + shared.length < count) {
      const resource = `stress:${Math.floor(next() * RESOURCES)}`;
      if (exclusive.includes(resource) || shared.includes(resource)) continue;
      (next() < 0.35 ? exclusive : shared).push(resource);
    }
    return { sleepMs: Math.floor(next() * 201), exclusive, shared, marker: 'stress' };
  });
}

async function dispatchAll(specs: TestTaskSpec[]): Promise<void> {
  let index = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (index < specs.length) await dispatchTestTask(t.client, specs[index++]!);
  }));
}

/** Larder's mark on a Redis it has filled (see queue-reconciler.ts): a Redis that restarted empty lacks it. */
async function redisEpoch(): Promise<string | null> {
  const client = new Redis(redis.url);
  try {
    return await client.get(`${t.env.LARDER_REDIS_PREFIX}:epoch`);
  } finally {
    client.disconnect();
  }
}

async function snapshot(): Promise<{ running: number; waiting: number }> {
  return { running: await count(`state = 'RUNNING'`), waiting: await count(`state = 'WAITING'`) };
}

async function count(where: string): Promise<number> {
  const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from task where ${where}`) as [{ n: number }];
  return n;
}

const completedAtLeast = (n: number) => until(`${n} tasks to complete`, async () => (await count(`state = 'COMPLETED'`)) >= n, 60_000);

/**
 * Dispatches a task that sleeps `sleepMs` on a resource of its own, waits until its body has begun
 * (recorded its run) and so sleeps, and returns the worker process that runs it: a fault aimed at
 * that process is sure to find a body in the middle of its work.
 */
async function workerRunningLongTask(workers: LarderProcess[], name: string, sleepMs: number): Promise<{ taskId: string; worker: LarderProcess }> {
  const task = await dispatchTestTask(t.client, { sleepMs, exclusive: [`fault:${name}`], marker: name });
  const worker = await until(`the body of task ${task.id} to begin`, async () => {
    const [row] = await t.sql<{ worker: string }>(
      'select t.worker from task t join larder_test_task_run r on r.task_id = t.id where t.id = $1', [task.id]);
    return row?.worker;
  }, 30_000);
  const running = workers.find((w) => worker.includes(`-${w.child.pid}-`));
  if (!running) throw new Error(`task ${task.id} runs on ${worker}, none of the spawned workers`);
  return { taskId: task.id, worker: running };
}

/** Fails, with what it logged, if a worker process has exited: a fault it survived must not end it later. */
function expectAlive(worker: LarderProcess, what: string): void {
  const { exitCode, signalCode } = worker.child;
  if (exitCode === null && signalCode === null) return;
  throw new Error(`${what} (pid ${worker.child.pid}) exited (code ${exitCode}, signal ${signalCode}); it logged:\n${worker.output.join('\n')}`);
}

interface TaskRow {
  id: string;
  seq: number;
  exclusive: string[];
  shared: string[];
  worker: string;
  state: string;
  code: string | null;
  /** Reservation held, by PostgreSQL's transitions (milliseconds, as larder_now() keeps them). */
  startedMs: number;
  finishedMs: number;
}

interface RunRow {
  taskId: string;
  /** The body ran, by the database clock, in microseconds. */
  startedUs: number;
  finishedUs: number | null;
  /** finished_at cut to the millisecond, to compare with the task's own times. */
  finishedMs: number | null;
}

describe('reservations under load, with faults', () => {
  it(`run ${TASKS} tasks over ${RESOURCES} resources on ${WORKERS} worker processes while one is killed, one frozen past its TTL and Redis restarts empty: every task ends, and the runs whose writes took effect never conflict`, async () => {
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '4' })));
    const specs = stressSpecs(SEED);
    // Dispatched in four parts, one before each fault and one after the last, so that each fault
    // finds work running and waiting.
    const part = (i: number) => specs.slice((i * TASKS) / 4, ((i + 1) * TASKS) / 4);
    const dispatched: Promise<void>[] = [];
    const atFault: Record<string, { running: number; waiting: number }> = {};

    // 1. A worker is killed while its tasks run.
    dispatched.push(dispatchAll(part(0)));
    await completedAtLeast(TASKS / 8);
    const killed = await workerRunningLongTask(workers, 'killed', 5_000);
    atFault.killed = await snapshot();
    await killed.worker.stop('SIGKILL');

    // 2. Another is frozen past its TTL: its tasks are reaped (WORKER_GONE); when it resumes, what
    // its runs still try to write is refused.
    dispatched.push(dispatchAll(part(1)));
    await completedAtLeast((TASKS * 3) / 8);
    const frozen = await workerRunningLongTask(workers, 'frozen', 3_000);
    atFault.frozen = await snapshot();
    frozenProcess = frozen.worker;
    frozen.worker.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    try {
      await stateReached(t, frozen.taskId, 'FAILED', FREEZE_MS + 10_000);
      await delay(Math.max(0, FREEZE_MS - (Date.now() - frozenAt)));
    } finally {
      frozen.worker.child.kill('SIGCONT');
      frozenProcess = null;
    }
    await until('the resumed worker to be refused a write of its reaped task', async () => {
      expectAlive(frozen.worker, 'the frozen worker, once resumed');
      return frozen.worker.output.some((line) => line.includes(REFUSED) && line.includes(frozen.taskId));
    }, 15_000).catch((error: Error) => {
      const about = frozen.worker.output.filter((line) => line.includes(frozen.taskId));
      throw new Error(`${error.message} (task ${frozen.taskId}); the worker logged about it:\n${about.join('\n')}`);
    });

    // 3. Redis restarts empty while tasks wait and run.
    dispatched.push(dispatchAll(part(2)));
    await completedAtLeast((TASKS * 5) / 8);
    const epoch = await redisEpoch();
    expect(epoch).not.toBeNull();
    atFault.redis = await snapshot();
    const [{ restartedAt }] = await t.sql<{ restartedAt: Date }>(`select clock_timestamp() as "restartedAt"`) as [{ restartedAt: Date }];
    await redis.restart();
    dispatched.push(dispatchAll(part(3)));
    await Promise.all(dispatched);

    await until('every task to end', async () => (await count(`state in ('WAITING', 'RUNNING', 'CANCELING')`)) === 0, 90_000);
    for (const worker of workers) if (worker !== killed.worker) expectAlive(worker, worker === frozen.worker ? 'the frozen worker, once resumed' : 'a worker');

    const tasks = await t.sql<TaskRow>(`
      select id, seq::int as seq, exclusive_resources as exclusive, shared_resources as shared, worker, state, error->>'code' as code,
        (extract(epoch from started_at) * 1e3)::float8 as "startedMs", (extract(epoch from finished_at) * 1e3)::float8 as "finishedMs"
      from task order by seq`);
    const runs = await t.sql<RunRow>(`
      select task_id as "taskId", (extract(epoch from started_at) * 1e6)::float8 as "startedUs",
        (extract(epoch from finished_at) * 1e6)::float8 as "finishedUs",
        (extract(epoch from date_trunc('milliseconds', finished_at)) * 1e3)::float8 as "finishedMs"
      from larder_test_task_run order by id`);
    expect(tasks).toHaveLength(TASKS + 2);

    // Every task ended, completed or failed with its worker: nothing else.
    const byOutcome = new Map<string, TaskRow[]>();
    for (const task of tasks) {
      const outcome = task.code ? `${task.state}/${task.code}` : task.state;
      byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), task]);
    }
    const outcomes = Object.fromEntries([...byOutcome].map(([outcome, list]) => [outcome, list.length]));
    const gone = byOutcome.get('FAILED/WORKER_GONE') ?? [];
    const workerName = (worker: LarderProcess) => new RegExp(`-${worker.child.pid}-`);
    console.info(`fault-stress seed ${SEED}: ${JSON.stringify(outcomes)}; running at each fault ${JSON.stringify(atFault)}`);
    expect(Object.keys(outcomes).filter((outcome) => outcome !== 'COMPLETED' && outcome !== 'FAILED/WORKER_GONE')).toEqual([]);
    // Only the killed and the frozen worker lost tasks, and each lost the long one it ran.
    expect(gone.filter((task) => !workerName(killed.worker).test(task.worker) && !workerName(frozen.worker).test(task.worker))).toEqual([]);
    expect(gone.map((task) => task.id)).toEqual(expect.arrayContaining([killed.taskId, frozen.taskId]));
    // Redis came back empty, Larder noticed, and work went on after it.
    await until('Larder to mark the new Redis with an epoch', async () => {
      const now = await redisEpoch();
      return now !== null && now !== epoch;
    }, 10_000);
    expect(await count(`started_at > '${restartedAt.toISOString()}'`)).toBeGreaterThan(TASKS / 8);

    // Runs whose writes took effect: those whose finished_at was written.
    const effective = runs.filter((run) => run.finishedUs !== null);
    const effectiveByTask = new Map<string, RunRow[]>();
    for (const run of effective) effectiveByTask.set(run.taskId, [...(effectiveByTask.get(run.taskId) ?? []), run]);
    const runsByTask = new Map<string, number>();
    for (const run of runs) runsByTask.set(run.taskId, (runsByTask.get(run.taskId) ?? 0) + 1);
    const wrong: string[] = [];
    for (const task of tasks) {
      const mine = effectiveByTask.get(task.id) ?? [];
      if (mine.length > 1) wrong.push(`${task.id} (${task.state}): ${mine.length} runs took effect`);
      if (task.state === 'COMPLETED' && mine.length !== 1) wrong.push(`${task.id} COMPLETED with ${mine.length} runs that took effect`);
      // A body begins once per task: a reaped task is never started again, a duplicate wake-up starts nothing.
      if ((runsByTask.get(task.id) ?? 0) > 1) wrong.push(`${task.id} (${task.state}): its body began ${runsByTask.get(task.id)} times`);
      // A write takes effect only while the run holds its reservations: before its task ended.
      for (const run of mine) {
        if (run.finishedMs! > task.finishedMs) wrong.push(`${task.id} (${task.state}/${task.code}): a run finished (ms) after the task ended`);
        if (run.startedUs < task.startedMs * 1e3) wrong.push(`${task.id}: a run began (µs) before the task started`);
      }
    }
    expect(wrong).toEqual([]);
    // Some runs were cut short by the faults: begun, never took effect.
    expect(runs.length - effective.length).toBeGreaterThan(0);

    const violations: string[] = [];
    let pairs = 0;
    // Every later conflicting task starts after the earlier one ended.
    for (const [resource, a, b] of conflictingPairs(tasks)) {
      pairs++;
      if (b.startedMs < a.finishedMs) violations.push(`${resource}: ${b.id} started (ms) before ${a.id} ended`);
      const [runA] = effectiveByTask.get(a.id) ?? [];
      const [runB] = effectiveByTask.get(b.id) ?? [];
      if (runA && runB && runB.startedUs <= runA.finishedUs!) {
        violations.push(`${resource}: ${b.id} body began (µs) before ${a.id} body ended`);
      }
    }
    console.info(`fault-stress seed ${SEED}: ${runs.length} runs begun, ${effective.length} took effect; ${pairs} conflicting pairs`);
    expect(violations).toEqual([]);
    expect(pairs).toBeGreaterThan(10_000);
  }, 150_000);
});
