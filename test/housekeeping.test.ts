import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFile, runTask, sha256, uploadArtifact } from './support/content.js';
import type { FileRepositorySteps } from './support/file-repository.js';
import { startFileStory, type FileStory } from './support/file-story.js';
import { FileTree } from './support/file-tree.js';
import type { TestLarder } from './support/test-larder.js';
import type { Upstream } from './support/upstream.js';

let story: FileStory;
let t: TestLarder;
let upstream: Upstream;
let steps: FileRepositorySteps;
beforeAll(async () => {
  story = await startFileStory();
  ({ t, upstream, steps } = story);
});
afterAll(async () => {
  await story?.stop();
});

const artifactPath = (digest: string) => join(t.larder.config.storagePath, 'artifact', digest.slice(0, 2), digest.slice(2));

async function exists(kind: 'content' | 'artifact', id: string): Promise<boolean> {
  const data = await t.client.data(`query ($id: ID!) { ${kind}(id: $id) { id } }`, { id });
  return data[kind] !== null;
}

describe('orphan cleanup', () => {
  it('removes exactly the content no version holds and the artifacts nothing uses, with their files', async () => {
    const repo = await steps.repository('kept');
    const kept = await createFile(t.client, 'kept.txt', 'kept bytes', repo);
    const removedLater = await createFile(t.client, 'old.txt', 'in version 1 only', repo);
    expect((await runTask(t.client, `mutation ($id: ID!, $c: ID!) { modifyFileRepository(id: $id, removeContent: [$c]) { id } }`, { id: repo, c: removedLater })).state).toBe('COMPLETED');
    const orphanContent = await createFile(t.client, 'lonely.txt', 'in no repository');
    const orphanArtifact = await uploadArtifact(t.client, 'an artifact without content');
    const { createUpload } = await t.client.data(`mutation { createUpload(size: 10) { id } }`);

    const protectedRun = await runTask(t.client, `mutation { cleanupOrphans(protectionTimeMinutes: 60) { id } }`);
    expect(protectedRun.state).toBe('COMPLETED');
    expect(await exists('content', orphanContent)).toBe(true);
    expect(await exists('artifact', orphanArtifact.id)).toBe(true);

    const cleanup = await runTask(t.client, `mutation { cleanupOrphans(protectionTimeMinutes: 0) { id } }`);
    expect(cleanup.state).toBe('COMPLETED');
    expect(cleanup.progressReports.map((p) => [p.code, p.done])).toEqual([
      ['clean-up.content', 1], ['clean-up.artifacts', 2], ['clean-up.uploads', 1],
    ]);
    expect(await exists('content', orphanContent)).toBe(false);
    expect(await exists('artifact', orphanArtifact.id)).toBe(false);
    expect(existsSync(artifactPath(orphanArtifact.sha256))).toBe(false);
    expect(existsSync(artifactPath(sha256('in no repository')))).toBe(false);
    expect((await t.client.data(`query ($id: ID!) { upload(id: $id) { id } }`, { id: createUpload.id })).upload).toBeNull();

    expect(await exists('content', kept)).toBe(true);
    expect(await exists('content', removedLater)).toBe(true);
    expect(readFileSync(artifactPath(sha256('kept bytes'))).toString()).toBe('kept bytes');
    expect(readFileSync(artifactPath(sha256('in version 1 only'))).toString()).toBe('in version 1 only');
  });

  it('refuses a negative protection time', async () => {
    expect(await t.client.errorCode(`mutation { cleanupOrphans(protectionTimeMinutes: -1) { id } }`)).toBe('BAD_USER_INPUT');
  });
});

describe('repair', () => {
  it('finds missing and corrupted files and downloads them again from their remote', async () => {
    const tree = new FileTree(upstream, '/repair/').set('a.txt', 'file a').set('b.txt', 'file b').set('c.txt', 'file c');
    const remote = await steps.remote('repair', tree.url);
    const repo = await steps.repository('repair');
    expect((await steps.sync(repo, remote)).state).toBe('COMPLETED');
    const uploaded = await createFile(t.client, 'd.txt', 'file d, uploaded', repo);
    expect(uploaded).toBeTruthy();

    writeFileSync(artifactPath(sha256('file a')), 'file A');
    rmSync(artifactPath(sha256('file b')));
    writeFileSync(artifactPath(sha256('file d, uploaded')), 'damaged!!!!!!!!!');

    const repair = await runTask(t.client, `mutation { repairArtifacts { id } }`);
    expect(repair.state).toBe('COMPLETED');
    const report = Object.fromEntries(repair.progressReports.map((p) => [p.code, p.done]));
    expect(report).toMatchObject({ 'repair.corrupted': 3, 'repair.repaired': 2, 'repair.failed': 1 });
    expect(report['repair.verified']).toBeGreaterThanOrEqual(4);
    expect(readFileSync(artifactPath(sha256('file a'))).toString()).toBe('file a');
    expect(readFileSync(artifactPath(sha256('file b'))).toString()).toBe('file b');

    const again = await runTask(t.client, `mutation { repairArtifacts(verifyChecksums: false) { id } }`);
    expect(Object.fromEntries(again.progressReports.map((p) => [p.code, p.done]))).toMatchObject({ 'repair.corrupted': 0 });
  });
});
