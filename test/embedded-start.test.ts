import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { GraphQLClient } from './support/graphql-client.js';
import { spawnLarder, type LarderProcess } from './support/larder-process.js';
import { finished } from './support/tasks.js';
import { deleteRedisKeys } from './support/test-larder.js';

const home = mkdtempSync(join(tmpdir(), 'larder-embedded-'));
const prefix = `larder-embedded-${randomBytes(6).toString('hex')}`;
let larder: LarderProcess | null = null;
let client: GraphQLClient | null = null;

afterAll(async () => {
  await client?.close();
  await larder?.stop('SIGKILL');
  await deleteRedisKeys(prefix);
  rmSync(home, { recursive: true, force: true });
});

it('starts on the embedded defaults (no DATABASE_URL) and runs a create and an update task', async () => {
  larder = spawnLarder('start', {
    LARDER_HOME: home,
    PORT: '0',
    LARDER_REDIS_PREFIX: prefix,
    LOG_LEVEL: 'info',
  });
  client = new GraphQLClient(await larder.url);
  expect(existsSync(join(home, 'pgdata'))).toBe(true);

  const { createFileRepository: repo } = await client.data(`mutation { createFileRepository(input: { name: "embedded" }) { id latestVersion { number } } }`);
  expect(repo.latestVersion).toEqual({ number: 0 });
  const { updateFileRepository: task } = await client.data(
    `mutation ($id: ID!) { updateFileRepository(id: $id, input: { description: "on PGlite" }) { id } }`,
    { id: repo.id },
  );
  const done = await finished(client, task);
  expect(done.state).toBe('COMPLETED');
  expect(done.worker).toMatch(/^.+-\d+-[0-9a-f]{8}-0$/);
  const { fileRepository } = await client.data(`query ($id: ID!) { fileRepository(id: $id) { description } }`, { id: repo.id });
  expect(fileRepository).toEqual({ description: 'on PGlite' });

  await client.close();
  client = null;
  expect(await larder.stop('SIGTERM')).toBe(0);
  larder = null;
}, 60_000);
