import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionPaths } from './support/content.js';
import { FileRepositorySteps } from './support/file-repository.js';
import { FileTree } from './support/file-tree.js';
import type { LarderProcess } from './support/larder-process.js';
import { finished, type TaskView } from './support/tasks.js';
import { dispatchTestTask, stateReached } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { Upstream } from './support/upstream.js';
import { until } from './support/wait.js';

/**
 * A task whose reservations are released while its body still runs (its cancel grace ran out,
 * its worker was frozen past its TTL) writes nothing more. The repository-writing statement of a
 * sync is made to take 3 s (a test hook), so it outlives the sync's reservations, while the next
 * writer of the repository (a modify) already works on the same version number.
 */
const SLOW_ADD_MS = 3_000;
const TTL_MS = 2_000;
const REFUSED = 'a write of the task was refused';

let t: TestLarder;
let upstream: Upstream;
let steps: FileRepositorySteps;
beforeAll(async () => {
  // This process serves the API and reaps; the tasks run in worker processes.
  t = await startTestLarder({ workers: 0, env: { LARDER_WORKER_TTL_MS: String(TTL_MS), LARDER_CANCEL_GRACE_MS: '500' } });
  upstream = await Upstream.start();
  steps = new FileRepositorySteps(t.client);
});
afterAll(async () => {
  await t?.stop();
  await upstream?.close();
});

const slowWorker = () => t.spawn('worker', { LARDER_TEST_SLOW_STATEMENT: `version-writer.add:${SLOW_ADD_MS}`, LARDER_WORKER_CONCURRENCY: '2' });

async function contentId(repositoryId: string, path: string): Promise<string> {
  const [row] = await t.sql<{ id: string }>(`select c.id from repository_content rc join content_artifact ca on ca.content_id = rc.content_id
    join content c on c.id = rc.content_id where rc.repository_id = $1 and ca.relative_path = $2 limit 1`, [repositoryId, path]);
  return row!.id;
}

async function modify(repositoryId: string, add: string[], remove: string[]): Promise<TaskView> {
  const { modifyFileRepository } = await t.client.data(
    `mutation ($id: ID!, $add: [ID!], $remove: [ID!]) { modifyFileRepository(id: $id, addContent: $add, removeContent: $remove) { id } }`,
    { id: repositoryId, add, remove });
  return modifyFileRepository;
}

async function dispatchSync(repositoryId: string, remoteId: string): Promise<TaskView> {
  const { syncFileRepository } = await t.client.data(`mutation ($id: ID!, $remote: ID!) { syncFileRepository(id: $id, remoteId: $remote) { id } }`,
    { id: repositoryId, remote: remoteId });
  return syncFileRepository;
}

/** A repository at version 1 with a and b, and a remote that now also lists c. */
async function repositoryWithTwoFiles(name: string): Promise<{ repositoryId: string; remoteId: string }> {
  const tree = new FileTree(upstream, `/${name}/`).set('a.txt', `a of ${name}`).set('b.txt', `b of ${name}`);
  const remoteId = await steps.remote(name, tree.url);
  const repositoryId = await steps.repository(name);
  expect((await steps.sync(repositoryId, remoteId)).state).toBe('COMPLETED');
  tree.set('c.txt', `c of ${name}`);
  return { repositoryId, remoteId };
}

/** Waits until the sync has opened its version and is in its slow statement. */
async function syncInSlowStatement(sync: TaskView): Promise<void> {
  await stateReached(t, sync.id, 'RUNNING');
  await until('the sync to open its version', async () =>
    (await t.sql('select 1 from repository_version where task_id = $1 and not complete', [sync.id])).length > 0);
  await until('the slow statement', async () =>
    (await t.sql(`select 1 from pg_stat_activity where datname = current_database() and state = 'active' and query like 'select pg_sleep%'`)).length > 0);
}

/** The repository is whole: its latest version exists, holds exactly `paths`, and the next writer works. */
async function expectWhole(repositoryId: string, paths: string[]): Promise<void> {
  const { number } = await steps.latest(repositoryId);
  expect(await versionPaths(t.client, repositoryId)).toEqual(paths);
  const a = await contentId(repositoryId, 'a.txt');
  const next = await finished(t.client, await modify(repositoryId, [], [a]));
  expect(next.state).toBe('COMPLETED');
  expect((await steps.latest(repositoryId)).number).toBe(number + 1);
  expect(await versionPaths(t.client, repositoryId)).toEqual(paths.filter((path) => path !== 'a.txt'));
}

function refusedFor(worker: LarderProcess, taskId: string): boolean {
  return worker.output.some((line) => line.includes(REFUSED) && line.includes(taskId));
}

describe('a sync whose reservation is released while its statement still runs', () => {
  it('after CANCEL_TIMEOUT: its later writes are refused, and the modify that took the repository keeps its version', async () => {
    const worker = await slowWorker();
    const { repositoryId, remoteId } = await repositoryWithTwoFiles('cancelled');
    const b = await contentId(repositoryId, 'b.txt');

    const sync = await dispatchSync(repositoryId, remoteId);
    const next = await modify(repositoryId, [await contentId(repositoryId, 'a.txt')], [b]);
    await syncInSlowStatement(sync);
    await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { id } }`, { id: sync.id });

    const failed = await finished(t.client, sync);
    expect(failed.error?.code).toBe('CANCEL_TIMEOUT');
    const modified = await finished(t.client, next);
    expect(modified.state).toBe('COMPLETED');
    expect(Date.parse(modified.startedAt!)).toBeGreaterThanOrEqual(Date.parse(failed.finishedAt!));
    // The modify made version 2 (the number the sync had), and the sync's statement came back while it was at work.
    expect((await steps.latest(repositoryId)).number).toBe(2);
    await worker.logged(REFUSED);
    expect(refusedFor(worker, sync.id)).toBe(true);

    expect(await t.sql('select 1 from repository_version where not complete')).toEqual([]);
    await expectWhole(repositoryId, ['a.txt']);
    expect(await worker.stop()).toBe(0);
  });

  it('after its frozen worker is reaped: once resumed it writes nothing, and the modify run elsewhere keeps its version', async () => {
    const frozen = await slowWorker();
    const { repositoryId, remoteId } = await repositoryWithTwoFiles('frozen');
    const b = await contentId(repositoryId, 'b.txt');

    const sync = await dispatchSync(repositoryId, remoteId);
    await syncInSlowStatement(sync);
    frozen.child.kill('SIGSTOP');
    let other: LarderProcess | null = null;
    try {
      const next = await modify(repositoryId, [], [b]);
      const failed = await finished(t.client, sync);
      expect(failed.error?.code).toBe('WORKER_GONE');
      other = await t.spawn('worker');
      const modified = await finished(t.client, next);
      expect(modified).toMatchObject({ state: 'COMPLETED', worker: expect.stringContaining(`-${other!.child.pid}-`) });
      expect((await steps.latest(repositoryId)).number).toBe(2);
    } finally {
      frozen.child.kill('SIGCONT');
    }
    // Its slow statement ended long ago; what it does next is refused, and it hears it lost the task.
    await frozen.logged(REFUSED);
    expect(refusedFor(frozen, sync.id)).toBe(true);

    expect(await t.sql('select 1 from repository_version where not complete')).toEqual([]);
    await expectWhole(repositoryId, ['a.txt']);
    expect(await frozen.stop()).toBe(0);
    expect(await other!.stop()).toBe(0);
  });
});

describe('a task body that wakes after CANCEL_TIMEOUT', () => {
  it('dispatches no child task and moves no file into the artifact store', async () => {
    const worker = await t.spawn('worker');
    const bytes = `written too late ${Date.now()}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const late = await dispatchTestTask(t.client, { sleepMs: 2_500, ignoreCancel: true, lateFile: bytes, exclusive: ['late'] });
    await stateReached(t, late.id, 'RUNNING');
    await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { id } }`, { id: late.id });
    expect((await finished(t.client, late)).error?.code).toBe('CANCEL_TIMEOUT');

    await worker.logged(REFUSED);
    expect(refusedFor(worker, late.id)).toBe(true);
    expect(await t.sql('select id from task where parent_task_id = $1', [late.id])).toEqual([]);
    expect(await t.sql('select id from artifact where sha256 = $1', [sha256])).toEqual([]);
    expect(existsSync(join(t.env.LARDER_HOME!, 'storage', 'artifact', sha256.slice(0, 2), sha256.slice(2)))).toBe(false);
  });
});
