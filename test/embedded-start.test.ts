import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { basic, GraphQLClient } from './support/graphql-client.js';
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

it('starts on the embedded defaults (no DATABASE_URL), says where the generated admin password is, and runs a create and an update task as admin', async () => {
  larder = spawnLarder('start', {
    LARDER_HOME: home,
    PORT: '0',
    LARDER_REDIS_PREFIX: prefix,
    LOG_LEVEL: 'info',
  });
  const url = await larder.url;
  expect(existsSync(join(home, 'pgdata'))).toBe(true);
  const passwordFile = join(home, 'admin-password');
  expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
  const password = readFileSync(passwordFile, 'utf8').trim();
  expect(password.length).toBeGreaterThanOrEqual(16);
  expect(larder.output.join('\n')).toContain(passwordFile);
  expect(larder.output.join('\n')).not.toContain(password);
  expect((await new GraphQLClient(url).errorCode('mutation { createFileRepository(input: { name: "anonymous" }) { id } }'))).toBe('UNAUTHENTICATED');
  client = new GraphQLClient(url, basic('admin', password));

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
