import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '../test/support/database.js';
import { adminClient, makeUser } from '../test/support/identities.js';
import { spawnNode, type LarderProcess } from '../test/support/larder-process.js';
import { deleteRedisKeys } from '../test/support/test-larder.js';
import { buildCommit } from './support/commit-build.js';
import { KeepAlivePost } from './support/keep-alive-post.js';
import { abba, inParallel, percentile, report, round2 } from './support/measure.js';
import { databaseNow, endToEndSeconds } from './support/tasks-finished.js';

/**
 * Task throughput through GraphQL with a Bearer token beside what it was before users existed
 * (the "at most 1.1×"). The baseline is the last commit without users, whose API takes
 * anonymous requests: it is checked out in a git worktree, built by its own compiler, and run as
 * `larder start` beside today's build, each on a fresh database and Redis prefix of its own, with
 * one in-process worker of the same concurrency:
 *
 * - http-bearer: today's build; a user (not an admin) dispatches with `Authorization: Bearer <token>`;
 * - d16e8de-anonymous (the baseline): the same requests without credentials.
 *
 * Both get the same load: N `dispatchTestTask(sleepMs: 0)` over HTTP, IN_FLIGHT at a time, on
 * kept-alive connections, each on a resource of its own. Rounds go A, B, B, A (CYCLES times), each after the
 * previous round's tasks finished, so that drift and the machine's other load fall on both alike.
 * End to end is first task created to last one finished (by each database's clock).
 */
const BASELINE_COMMIT = 'd16e8de';
const N = Number(process.env.BENCH_TASKS ?? 2_000);
/** A B B A cycles: one run's ratio moved by ±3 % with one cycle on this machine. */
const CYCLES = Number(process.env.BENCH_CYCLES ?? 3);
const IN_FLIGHT = 32;
const WORKER_CONCURRENCY = 32;
const WARM_UP = 300;
const START_TIMEOUT_MS = 60_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const DISPATCH = 'mutation ($resource: String!) { dispatchTestTask(sleepMs: 0, exclusiveResources: [$resource]) { id } }';

/** One `larder start`, its database and how the benchmark reaches it. */
interface Side {
  endpoint: string;
  /** Headers of every dispatch: a Bearer token, or none. */
  headers: Record<string, string>;
  sql<Row>(text: string, values?: unknown[]): Promise<Row[]>;
  stop(): Promise<void>;
}

/**
 * Runs the program `main` as `larder start` on a fresh database, Redis prefix and home, with one
 * in-process worker; `env` adds to the settings both builds share.
 */
async function startLarder(main: string, env: Record<string, string>): Promise<{ url: string; side: Omit<Side, 'endpoint' | 'headers'> }> {
  const database = await createTestDatabase();
  const home = await mkdtemp(join(tmpdir(), 'larder-bench-'));
  const prefix = `larder-bench-${randomBytes(6).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // The forced drop at the end terminates the pool's idle connections.
  pool.on('error', () => undefined);
  let child: LarderProcess | null = null;
  const stop = async () => {
    await child?.stop();
    await pool.end();
    await database.drop();
    await deleteRedisKeys(prefix, REDIS_URL);
    await rm(home, { recursive: true, force: true });
  };
  try {
    child = spawnNode(main, ['start'], {
      DATABASE_URL: database.url, REDIS_URL, LARDER_REDIS_PREFIX: prefix, LARDER_HOME: home, STORAGE_PATH: join(home, 'storage'),
      PORT: '0', LOG_LEVEL: 'info', LARDER_TEST_TASKS: '1', LARDER_WORKERS: '1', LARDER_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      LARDER_DB_POOL: '20', LARDER_SHUTDOWN_GRACE_MS: '5000', ...env,
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${main} not listening after ${START_TIMEOUT_MS} ms:\n${child!.output.join('\n')}`)), START_TIMEOUT_MS);
    });
    const url = await Promise.race([child.url, late]).finally(() => clearTimeout(timer));
    await child.logged('"msg":"worker ready"');
    return { url, side: { sql: async (text, values = []) => (await pool.query(text, values)).rows, stop } };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Today's build, dispatching as a user signed in by a token. */
async function startToday(): Promise<Side> {
  const adminPassword = randomBytes(12).toString('hex');
  const { url, side } = await startLarder(join('dist', 'core', 'main.js'), { LARDER_ADMIN_PASSWORD: adminPassword });
  try {
    const admin = await adminClient(url, adminPassword);
    const user = await makeUser(admin, 'dispatcher');
    await Promise.all([admin.close(), user.client.close()]);
    return { ...side, endpoint: `${url}/graphql`, headers: { authorization: `Bearer ${user.token}` } };
  } catch (error) {
    await side.stop();
    throw error;
  }
}

/** The baseline's build, dispatching anonymously (it has no users). */
async function startBaseline(main: string): Promise<Side> {
  const { url, side } = await startLarder(main, {});
  return { ...side, endpoint: `${url}/graphql`, headers: {} };
}

interface Round {
  /** First dispatch sent to last answered, ms. */
  wallMs: number;
  latencies: number[];
  /** First task created to last one finished, s. */
  endToEndS: number;
}

let batch = 0;

/** `count` dispatches, IN_FLIGHT at a time, each on a resource of its own; then the wait for their tasks. */
async function dispatchRound(http: KeepAlivePost, side: Side, count: number): Promise<Round> {
  const b = batch++;
  const since = await databaseNow(side.sql);
  const latencies: number[] = [];
  const started = performance.now();
  await inParallel(IN_FLIGHT, count, async (i) => {
    const sent = performance.now();
    const answer = JSON.parse(await http.send(side.endpoint, side.headers,
      JSON.stringify({ query: DISPATCH, variables: { resource: `bench:${b}:${i}` } }))) as { data?: { dispatchTestTask?: { id: string } } | null };
    if (!answer.data?.dispatchTestTask?.id) throw new Error(`dispatch failed: ${JSON.stringify(answer).slice(0, 300)}`);
    latencies.push(performance.now() - sent);
  });
  const wallMs = performance.now() - started;
  return { wallMs, latencies, endToEndS: await endToEndSeconds(side.sql, since, count) };
}

const build = await buildCommit(BASELINE_COMMIT);
console.error(`${BASELINE_COMMIT}: ${build.install} in ${build.installS.toFixed(1)} s, built in ${build.buildS.toFixed(1)} s`);
const http = new KeepAlivePost(IN_FLIGHT);
const sides: Side[] = [];
try {
  const today = await startToday();
  sides.push(today);
  const baseline = await startBaseline(build.main);
  sides.push(baseline);

  for (const side of [today, baseline]) await dispatchRound(http, side, WARM_UP);
  const rounds = await abba(() => dispatchRound(http, today, N), () => dispatchRound(http, baseline, N), CYCLES);

  const context = {
    way: 'http-bearer', baseline_way: `${BASELINE_COMMIT}-anonymous`, tasks: 2 * N * CYCLES, in_flight: IN_FLIGHT,
    worker_concurrency: WORKER_CONCURRENCY, process: 'larder start, LARDER_WORKERS=1',
  };
  const compare = (figure: string, of: (side: Round[]) => number) => {
    const value = of(rounds.a);
    const base = of(rounds.b);
    report(figure, value, { baseline: round2(base), ratio: round2(value / base), ...context });
  };
  const sum = (side: Round[], part: (r: Round) => number) => side.reduce((total, r) => total + part(r), 0);
  compare('tasks_per_s_end_to_end', (side) => (N * side.length) / sum(side, (r) => r.endToEndS));
  compare('dispatch_ms_per_request', (side) => sum(side, (r) => r.wallMs) / (N * side.length));
  for (const p of [50, 95]) compare(`dispatch_latency_ms_p${p}`, (side) => percentile(side.flatMap((r) => r.latencies), p));
} finally {
  http.close();
  for (const side of sides.reverse()) await side.stop();
  await build.remove();
}
