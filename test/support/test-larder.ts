import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startLarder, type RunningLarder } from '../../core/app.js';
import { loadConfig } from '../../core/config.js';
import { createTestDatabase } from './database.js';
import { GraphQLClient } from './graphql-client.js';

export interface TestLarder {
  larder: RunningLarder;
  client: GraphQLClient;
  /** Environment that points another Larder process at the same database and Redis prefix. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Removes every key under a test's Redis prefix (never FLUSHALL: other test files share the server). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * A real Larder for one test file: its own PostgreSQL database, its own Redis prefix, the API on
 * a free port, and `workers` in-process workers (0 for an api-only process).
 */
export async function startTestLarder(options: { workers?: number; env?: Record<string, string> } = {}): Promise<TestLarder> {
  const database = await createTestDatabase();
  const home = mkdtempSync(join(tmpdir(), 'larder-test-'));
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL,
    LARDER_REDIS_PREFIX: `larder-test-${randomBytes(6).toString('hex')}`,
    LARDER_HOME: home,
    LARDER_TEST_TASKS: '1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...options.env,
  };
  const larder = await startLarder(
    loadConfig({ ...env, PORT: '0', LARDER_WORKERS: String(options.workers ?? 1) }),
    { api: true, worker: (options.workers ?? 1) > 0 },
    true,
  );
  const client = new GraphQLClient(larder.url!);
  return {
    larder,
    client,
    env,
    async stop() {
      await client.close();
      await larder.stop();
      await database.drop();
      await deleteRedisKeys(env.LARDER_REDIS_PREFIX!);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
