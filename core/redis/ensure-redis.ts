import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';

export interface RedisHandle {
  /** Stops the redis-server Larder started, if it started one. */
  stop(): Promise<void>;
}

/** Whether a Redis answers at `url` now (one try, at most a second). */
export async function reachable(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1000, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function onPath(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

async function waitForExitOrReady(child: ChildProcess, url: string): Promise<void> {
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new ConfigError(`redis-server exited with code ${code}`))));
  const ready = (async () => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: (n) => (n > 100 ? null : 50) });
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  })();
  await Promise.race([ready, exited]);
}

/**
 * Uses the Redis at `url`; when there is none and the URL is the default local one, starts
 * `redis-server` from PATH with its files under `home` (the embedded default).
 */
export async function ensureRedis(url: string, explicit: boolean, home: string, log: Logger): Promise<RedisHandle> {
  if (await reachable(url)) return { stop: async () => undefined };
  if (explicit) throw new ConfigError(`Redis at ${url} (REDIS_URL) is not reachable`);
  const binary = onPath('redis-server');
  if (!binary) {
    throw new ConfigError(`No Redis at ${url} and no redis-server on PATH: install Redis (e.g. apt-get install redis-server) or set REDIS_URL`);
  }
  const parsed = new URL(url);
  const dir = join(home, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(binary, ['--port', parsed.port || '6379', '--bind', parsed.hostname || '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  await waitForExitOrReady(child, url);
  log.info({ url, pid: child.pid }, 'started redis-server');
  return {
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
