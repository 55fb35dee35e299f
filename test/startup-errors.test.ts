import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnWatchedLarder } from './support/bare-larder.js';
import { createTestDatabase } from './support/database.js';
import { deleteRedisKeys } from './support/test-larder.js';

// What an operator sees when Larder cannot start: one line on stderr saying what failed and what
// to do, and a non-zero exit; never a driver's stack trace.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const home = mkdtempSync(join(tmpdir(), 'larder-startup-errors-'));
const prefix = `larder-startup-errors-${randomBytes(6).toString('hex')}`;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let occupied: Server;

beforeAll(async () => {
  database = await createTestDatabase();
  occupied = createServer();
  await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => occupied.close(resolve));
  await database.drop();
  await deleteRedisKeys(prefix);
  rmSync(home, { recursive: true, force: true });
});

async function failedStart(command: string, env: Record<string, string>, options: { ownNetwork?: boolean } = {}): Promise<string> {
  const larder = spawnWatchedLarder(command, { LARDER_HOME: home, LARDER_REDIS_PREFIX: prefix, PORT: '0', LOG_LEVEL: 'info', ...env }, options);
  const code = await larder.exited;
  expect(code, larder.output.join('\n')).not.toBe(0);
  expect(larder.stderr, larder.output.join('\n')).toHaveLength(1);
  expect(larder.stderr[0]).toMatch(/^larder: /);
  return larder.stderr[0]!;
}

it.each(['start', 'api', 'worker', 'migrate'])('larder %s with an unreachable DATABASE_URL says so in one line', async (command) => {
  const line = await failedStart(command, { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/larder', REDIS_URL });
  expect(line).toMatch(/PostgreSQL at 127\.0\.0\.1:1\/larder .*ECONNREFUSED.*DATABASE_URL/);
  expect(line).not.toContain('secret');
});

it.each(['start', 'api'])('larder %s on a port already in use says so in one line', async (command) => {
  const { port } = occupied.address() as AddressInfo;
  const line = await failedStart(command, { DATABASE_URL: database.url, REDIS_URL, PORT: String(port) });
  expect(line).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use.*PORT`));
});

it.each(['start', 'api', 'worker'])('larder %s with an unreachable REDIS_URL says so in one line', async (command) => {
  const line = await failedStart(command, { DATABASE_URL: database.url, REDIS_URL: 'redis://:secret@127.0.0.1:1' });
  expect(line).toMatch(/Redis at 127\.0\.0\.1:1 \(REDIS_URL\) is not reachable.*unset REDIS_URL/);
  expect(line).not.toContain('secret');
});

it.each(['start', 'migrate'])('larder %s with LARDER_PLUGINS naming a plugin that does not exist says so in one line', async (command) => {
  const line = await failedStart(command, { DATABASE_URL: database.url, REDIS_URL, LARDER_PLUGINS: 'file,no-such-plugin' });
  expect(line).toMatch(/LARDER_PLUGINS names plugin\(s\) that are neither installed packages nor folders of .*plugins: no-such-plugin$/);
});

it('larder start with no Redis and no redis-server on PATH says how to provide one, in one line', async () => {
  const emptyPath = mkdtempSync(join(tmpdir(), 'larder-no-redis-path-'));
  try {
    const line = await failedStart('start', { PATH: emptyPath }, { ownNetwork: true });
    expect(line).toMatch(/no redis-server on PATH.*apt-get install redis-server.*REDIS_URL/);
  } finally {
    rmSync(emptyPath, { recursive: true, force: true });
  }
}, 60_000);
