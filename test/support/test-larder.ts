import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startLarder, type RunningLarder } from '../../core/app.js';
import { loadConfig } from '../../core/config.js';
import { createTestDatabase } from './database.js';
import { GraphQLClient } from './graphql-client.js';
import { adminClient, LOOPBACK_NETWORKS } from './identities.js';
import { spawnLarder, spawnLarderContained, type LarderProcess } from './larder-process.js';
import { TcpProxy } from './tcp-proxy.js';

export interface TestLarder {
  larder: RunningLarder;
  /** Signed in as `admin` (by a token). */
  client: GraphQLClient;
  /** The password of `admin` (LARDER_ADMIN_PASSWORD of this Larder). */
  adminPassword: string;
  /** Environment that points another Larder process at the same database and Redis prefix (through the proxies, if any). */
  env: Record<string, string>;
  /** Between Larder and PostgreSQL, when asked for. */
  postgresProxy: TcpProxy | null;
  /** Between Larder and Redis, when asked for. */
  redisProxy: TcpProxy | null;
  /** A query on the test's database, straight (never through a proxy). */
  sql<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  /**
   * Starts `larder <role>` as its own process on this test's database and Redis prefix; stopped by
   * `stop()`. With `container`, it runs as in a container of that host name (see spawnLarderContained).
   */
  spawn(role: Role, env?: Record<string, string>, options?: { container?: string }): Promise<LarderProcess>;
  stop(): Promise<void>;
}

export interface TestLarderOptions {
  /** In-process workers (0 for an api-only process). */
  workers?: number;
  env?: Record<string, string>;
  /** A Redis other than the machine's shared one (a test's private server). */
  redisUrl?: string;
  proxyPostgres?: boolean;
  proxyRedis?: boolean;
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Role = 'worker' | 'api';
/** What each role logs (at info level) once it is ready. */
const READY: Record<Role, string> = { worker: '"msg":"worker ready"', api: '"msg":"Larder is listening"' };
/** A process not ready by then is killed, and the test fails with its output. */
const START_TIMEOUT_MS = 30_000;

async function ready(child: LarderProcess, role: Role): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void child.stop('SIGKILL');
      reject(new Error(`larder ${role} not ready after ${START_TIMEOUT_MS} ms:\n${child.output.join('\n')}`));
    }, START_TIMEOUT_MS);
  });
  await Promise.race([child.logged(READY[role]), late]).finally(() => clearTimeout(timer));
}

/**
 * Removes every key under a test's Redis prefix (never FLUSHALL: other test files share the
 * server); a flush of that one test's data. Returns how many keys it deleted.
 */
export async function deleteRedisKeys(prefix: string, redisUrl = REDIS_URL): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * A real Larder for one test file: its own PostgreSQL database, its own Redis prefix, the API on
 * a free port, and `workers` in-process workers (0 for an api-only process).
 */
export async function startTestLarder(options: TestLarderOptions = {}): Promise<TestLarder> {
  const database = await createTestDatabase();
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const postgresProxy = options.proxyPostgres ? await TcpProxy.start(database.url) : null;
  const redisProxy = options.proxyRedis ? await TcpProxy.start(redisUrl) : null;
  const home = mkdtempSync(join(tmpdir(), 'larder-test-'));
  const env: Record<string, string> = {
    DATABASE_URL: postgresProxy?.via(database.url) ?? database.url,
    REDIS_URL: redisProxy?.via(redisUrl) ?? redisUrl,
    LARDER_REDIS_PREFIX: `larder-test-${randomBytes(6).toString('hex')}`,
    LARDER_HOME: home,
    LARDER_TEST_TASKS: '1',
    LARDER_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    LARDER_SECRET_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // Small pools: parallel test files with several processes each share one PostgreSQL.
    LARDER_DB_POOL: '5',
    LARDER_SHUTDOWN_GRACE_MS: '1000',
    // Tests sync from servers on loopback, which remotes reach only when allowed (a test may set it to '').
    LARDER_ALLOWED_REMOTE_NETWORKS: LOOPBACK_NETWORKS,
    ...options.env,
  };
  const larder = await startLarder(
    loadConfig({ ...env, PORT: '0', LARDER_WORKERS: String(options.workers ?? 1) }),
    { api: true, worker: (options.workers ?? 1) > 0 },
    true,
  );
  const client = await adminClient(larder.url!, env.LARDER_ADMIN_PASSWORD!);
  const pool = new pg.Pool({ connectionString: database.url, max: 3 });
  // An idle connection that dies is replaced on the next query (queries report their own errors).
  // It happens at teardown: pool.end() resolves before its connections have closed, and the forced
  // drop of the database then terminates them.
  pool.on('error', () => undefined);
  const processes: LarderProcess[] = [];
  return {
    larder,
    client,
    adminPassword: env.LARDER_ADMIN_PASSWORD!,
    env,
    postgresProxy,
    redisProxy,
    async sql<Row>(text: string, values: unknown[] = []) {
      return (await pool.query(text, values)).rows as Row[];
    },
    async spawn(role, extra = {}, options = {}) {
      const childEnv = { ...env, LARDER_WORKERS: '1', PORT: '0', ...extra, LOG_LEVEL: 'info' };
      const child = options.container ? spawnLarderContained(role, options.container, childEnv) : spawnLarder(role, childEnv);
      processes.push(child);
      await ready(child, role);
      return child;
    },
    async stop() {
      await Promise.all(processes.map((p) => p.stop()));
      await postgresProxy?.restore();
      await redisProxy?.restore();
      await client.close();
      await larder.stop();
      await pool.end();
      await postgresProxy?.close();
      await redisProxy?.close();
      await database.drop();
      await deleteRedisKeys(env.LARDER_REDIS_PREFIX!, redisUrl);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
