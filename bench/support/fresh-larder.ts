import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../test/support/database.js';
import type { GraphQLClient } from '../../test/support/graphql-client.js';
import { adminClient, LOOPBACK_NETWORKS } from '../../test/support/identities.js';
import { spawnLarder } from '../../test/support/larder-process.js';
import { deleteRedisKeys } from '../../test/support/test-larder.js';

/** `larder start` as an operator runs it, alone on its own database, Redis prefix and storage. */
export interface FreshLarder {
  client: GraphQLClient;
  pid: number;
  stop(): Promise<void>;
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Starts one `larder start` process (API, content app and in-process workers) on nothing that
 * another run left behind, so what it measures (its time, its peak memory) is its own.
 */
export async function startFreshLarder(env: Record<string, string> = {}): Promise<FreshLarder> {
  const database = await createTestDatabase();
  const home = await mkdtemp(join(tmpdir(), 'larder-bench-'));
  const prefix = `larder-bench-${randomBytes(6).toString('hex')}`;
  const adminPassword = randomBytes(12).toString('hex');
  const child = spawnLarder('start', {
    DATABASE_URL: database.url, REDIS_URL, LARDER_REDIS_PREFIX: prefix, LARDER_HOME: home, STORAGE_PATH: join(home, 'storage'),
    PORT: '0', LOG_LEVEL: 'info', LARDER_ADMIN_PASSWORD: adminPassword,
    // Benchmarks sync from servers on loopback, which remotes reach only when allowed.
    LARDER_ALLOWED_REMOTE_NETWORKS: LOOPBACK_NETWORKS, ...env,
  });
  const cleanUp = async () => {
    await child.stop();
    await database.drop();
    await deleteRedisKeys(prefix, REDIS_URL);
    await rm(home, { recursive: true, force: true });
  };
  let client: GraphQLClient;
  try {
    const url = await child.url;
    client = await adminClient(url, adminPassword);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    client,
    pid: child.child.pid!,
    async stop() {
      await client.close();
      await cleanUp();
    },
  };
}
