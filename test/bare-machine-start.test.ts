import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { spawnWatchedLarder, startedRedisPid } from './support/bare-larder.js';
import type { LarderProcess } from './support/larder-process.js';
import { basic, GraphQLClient } from './support/graphql-client.js';
import { alive, bridge, netNamespaceOf, processesIn, processesWorkingIn, type Bridge } from './support/net-namespace.js';
import { finished } from './support/tasks.js';
import { until } from './support/wait.js';

// Each story runs `larder start` in a network namespace of its own: a machine with no PostgreSQL
// and no Redis, where nothing answers on 6379 whatever runs on this one.
let home: string;
let larder: LarderProcess | null = null;
let client: GraphQLClient | null = null;
let bridged: Bridge | null = null;

function bareStart(env: Record<string, string> = {}): LarderProcess {
  home = mkdtempSync(join(tmpdir(), 'larder-bare-'));
  larder = spawnWatchedLarder('start', { LARDER_HOME: home, PORT: '0', LOG_LEVEL: 'info', ...env }, { ownNetwork: true });
  return larder;
}

afterEach(async () => {
  await client?.close();
  await bridged?.close();
  await larder?.stop('SIGKILL');
  // A redis-server that a failed story left behind must not outlive the test run.
  for (const pid of processesWorkingIn(home)) process.kill(pid, 'SIGKILL');
  client = null;
  bridged = null;
  larder = null;
  rmSync(home, { recursive: true, force: true });
});

it('starts on a bare machine (embedded PostgreSQL, its own redis-server), runs a task, and leaves nothing running after SIGINT', async () => {
  const larder = bareStart();
  const inside = new URL(await larder.url);
  const pid = larder.child.pid!;
  const namespace = netNamespaceOf(pid);
  expect(namespace).not.toBe(netNamespaceOf(process.pid));
  const redisPid = startedRedisPid(larder);
  expect(processesIn(namespace).sort()).toEqual([pid, redisPid].sort());

  bridged = await bridge(pid, Number(inside.port), home);
  client = new GraphQLClient(bridged.url, basic('admin', readFileSync(join(home, 'admin-password'), 'utf8').trim()));
  const { createFileRepository: repo } = await client.data(`mutation { createFileRepository(input: { name: "bare" }) { id } }`);
  const { updateFileRepository: task } = await client.data(
    `mutation ($id: ID!) { updateFileRepository(id: $id, input: { description: "on a bare machine" }) { id } }`,
    { id: repo.id },
  );
  expect((await finished(client, task)).state).toBe('COMPLETED');
  await client.close();
  client = null;
  await bridged.close();
  bridged = null;

  expect(await larder.stop('SIGINT')).toBe(0);
  expect(processesIn(namespace)).toEqual([]);
  expect(alive(redisPid)).toBe(false);
  expect(larder.stderr).toEqual([]);
}, 60_000);

it('stops the redis-server it started when a later start-up step fails, and says why in one line', async () => {
  const larder = bareStart({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/larder' });
  const code = await larder.exited;
  expect(code).not.toBe(0);
  expect(larder.stderr).toEqual([expect.stringMatching(/^larder: .*127\.0\.0\.1:1\/larder.*DATABASE_URL/)]);
  expect(alive(startedRedisPid(larder))).toBe(false);
}, 60_000);

it('a larder killed outright (SIGKILL) takes its redis-server along', async () => {
  const larder = bareStart();
  await larder.logged('"msg":"started redis-server"');
  const redisPid = startedRedisPid(larder);
  await larder.stop('SIGKILL');
  // Not our child: its end is no event here; the kernel sends it SIGTERM when Larder dies.
  await until('the redis-server to stop', async () => !alive(redisPid), 10_000);
}, 60_000);
