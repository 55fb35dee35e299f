import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileRepositorySteps } from './support/file-repository.js';
import { FileTree } from './support/file-tree.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { Upstream } from './support/upstream.js';

const dir = mkdtempSync(join(tmpdir(), 'larder-errors-'));
let t: TestLarder;
let upstream: Upstream;
beforeAll(async () => {
  t = await startTestLarder({ workers: 0 });
  upstream = await Upstream.start();
});
afterAll(async () => {
  await t?.stop();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('records an unexpected error (a file system failure) as INTERNAL_ERROR with a reference, and logs the details under it', async () => {
  // The artifact store lies under a plain file: storing anything fails with ENOTDIR and a server path.
  const blocked = join(dir, 'not-a-directory');
  writeFileSync(blocked, '');
  const worker = await t.spawn('worker', { STORAGE_PATH: join(blocked, 'storage') });
  const steps = new FileRepositorySteps(t.client);
  const tree = new FileTree(upstream, '/errors/').set('a.txt', 'a');
  const failed = await steps.sync(await steps.repository('errors'), await steps.remote('errors', tree.url));

  expect(failed.state).toBe('FAILED');
  expect(failed.error?.code).toBe('INTERNAL_ERROR');
  const reference = /reference ([0-9a-f]{12})/.exec(failed.error!.description)?.[1];
  expect(reference).toBeDefined();
  expect(failed.error!.description).not.toContain(dir);
  expect(failed.error!.description).not.toContain('ENOTDIR');

  const line = worker.output.find((l) => l.includes(reference!));
  expect(line).toBeDefined();
  const logged = JSON.parse(line!) as { level: number; reference: string; err: { code: string; stack: string }; task: string };
  expect(logged).toMatchObject({ level: 50, reference, task: failed.id, err: { code: 'ENOTDIR' } });
  expect(logged.err.stack).toContain(blocked);
  expect(await worker.stop()).toBe(0);
});

it('records an expected failure with its own code and message, logged at info', async () => {
  const worker = await t.spawn('worker');
  const steps = new FileRepositorySteps(t.client);
  const tree = new FileTree(upstream, '/bad/');
  tree.manifestOverride = 'a.txt,not-a-digest,1\n';
  const failed = await steps.sync(await steps.repository('bad'), await steps.remote('bad', tree.url));
  expect(failed.error).toEqual({ code: 'BAD_MANIFEST', description: expect.stringContaining('PULP_MANIFEST line 1') });
  const line = worker.output.find((l) => l.includes('"task failed"') && l.includes(failed.id));
  expect(JSON.parse(line!)).toMatchObject({ level: 30, code: 'BAD_MANIFEST' });
});
