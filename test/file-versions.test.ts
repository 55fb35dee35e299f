import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFile, runTask, sha256, uploadArtifact, versionPaths } from './support/content.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder();
});
afterAll(async () => {
  await t?.stop();
});

async function createRepository(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { createFileRepository } = await t.client.data(
    `mutation ($input: CreateFileRepositoryInput!) { createFileRepository(input: $input) { id } }`,
    { input: { name, ...extra } },
  );
  return createFileRepository.id;
}

async function summary(repositoryId: string) {
  const { fileRepository } = await t.client.data(
    `query ($id: ID!) { fileRepository(id: $id) { latestVersion { number contentSummary { added { type count } removed { type count } present { type count } } } } }`,
    { id: repositoryId },
  );
  return fileRepository.latestVersion;
}

const modify = (id: string, args: string) => runTask(t.client, `mutation ($id: ID!) { modifyFileRepository(id: $id, ${args}) { id } }`, { id });

describe('repository versions', () => {
  it('grow by one version per change, each with its summary, and a no-op change makes none', async () => {
    const repo = await createRepository('versions');
    const a = await createFile(t.client, 'a.txt', 'alpha', repo);
    expect(await versionPaths(t.client, repo)).toEqual(['a.txt']);
    const b = await createFile(t.client, 'dir/b.txt', 'bravo');
    const c = await createFile(t.client, 'dir/c.txt', 'charlie');

    const added = await modify(repo, `addContent: ["${b}", "${c}"]`);
    expect(added.state).toBe('COMPLETED');
    expect(added.createdResources).toHaveLength(1);
    expect(await summary(repo)).toEqual({
      number: 2,
      contentSummary: { added: [{ type: 'file.file', count: 2 }], removed: [], present: [{ type: 'file.file', count: 3 }] },
    });

    const removed = await modify(repo, `removeContent: ["${a}"], addContent: ["${b}"]`);
    expect(removed.state).toBe('COMPLETED');
    expect(await summary(repo)).toEqual({
      number: 3,
      contentSummary: { added: [], removed: [{ type: 'file.file', count: 1 }], present: [{ type: 'file.file', count: 2 }] },
    });

    const noop = await modify(repo, `addContent: ["${b}"], removeContent: ["${a}"]`);
    expect(noop.state).toBe('COMPLETED');
    expect(noop.createdResources).toEqual([]);
    expect((await summary(repo)).number).toBe(3);
    expect(await versionPaths(t.client, repo, 1)).toEqual(['a.txt']);
    expect(await versionPaths(t.client, repo, 2)).toEqual(['a.txt', 'dir/b.txt', 'dir/c.txt']);
    expect(await versionPaths(t.client, repo, 3)).toEqual(['dir/b.txt', 'dir/c.txt']);
  });

  it('replace a file when new content has the same relative path', async () => {
    const repo = await createRepository('replacing');
    const old = await createFile(t.client, 'notes.txt', 'first draft', repo);
    const fresh = await createFile(t.client, 'notes.txt', 'second draft', repo);
    expect(old).not.toBe(fresh);
    expect(await versionPaths(t.client, repo)).toEqual(['notes.txt']);
    const { fileRepository } = await t.client.data(
      `query ($id: ID!) { fileRepository(id: $id) { latestVersion { number content { nodes { id ... on FileContent { digest } } } } } }`,
      { id: repo },
    );
    expect(fileRepository.latestVersion.number).toBe(2);
    expect(fileRepository.latestVersion.content.nodes).toEqual([{ id: fresh, digest: sha256('second draft') }]);
  });

  it('refuse to add two files with one path in one version, and store no version', async () => {
    const repo = await createRepository('clashing');
    const one = await createFile(t.client, 'same.txt', 'one');
    const two = await createFile(t.client, 'same.txt', 'two');
    const task = await modify(repo, `addContent: ["${one}", "${two}"]`);
    expect(task.state).toBe('FAILED');
    expect(task.error?.code).toBe('DUPLICATE_CONTENT');
    const { fileRepository } = await t.client.data(`query ($id: ID!) { fileRepository(id: $id) { latestVersion { number } versions { totalCount } } }`, { id: repo });
    expect(fileRepository).toEqual({ latestVersion: { number: 0 }, versions: { totalCount: 1 } });
  });

  it('start from an older version with baseVersion, and empty out with removeContent: ["*"]', async () => {
    const repo = await createRepository('rebased');
    await createFile(t.client, 'one', '1', repo);
    await createFile(t.client, 'two', '2', repo);
    const three = await createFile(t.client, 'three', '3');
    expect((await modify(repo, `baseVersion: 1, addContent: ["${three}"]`)).state).toBe('COMPLETED');
    expect(await versionPaths(t.client, repo)).toEqual(['one', 'three']);
    expect((await modify(repo, `removeContent: ["*"]`)).state).toBe('COMPLETED');
    expect(await versionPaths(t.client, repo)).toEqual([]);
    expect((await summary(repo)).number).toBe(4);
  });

  it('keep only the newest retainRepoVersions versions', async () => {
    const repo = await createRepository('retained', { retainRepoVersions: 2 });
    for (const n of [1, 2, 3, 4]) await createFile(t.client, `file-${n}`, `content ${n}`, repo);
    const { fileRepository } = await t.client.data(`query ($id: ID!) { fileRepository(id: $id) { versions { nodes { number } } } }`, { id: repo });
    expect(fileRepository.versions.nodes).toEqual([{ number: 4 }, { number: 3 }]);
    expect(await versionPaths(t.client, repo, 3)).toEqual(['file-1', 'file-2', 'file-3']);
    expect(await versionPaths(t.client, repo, 4)).toEqual(['file-1', 'file-2', 'file-3', 'file-4']);
  });

  it('delete an old version by a task, folding its changes into the next one; the latest cannot be deleted', async () => {
    const repo = await createRepository('pruned');
    await createFile(t.client, 'x', 'x', repo);
    await createFile(t.client, 'y', 'y', repo);
    const { fileRepository } = await t.client.data(`query ($id: ID!) { fileRepository(id: $id) { versions { nodes { id number } } } }`, { id: repo });
    const [latest, middle] = fileRepository.versions.nodes;
    expect(await t.client.errorCode(`mutation ($id: ID!) { deleteRepositoryVersion(id: $id) { id } }`, { id: latest.id })).toBe('CONFLICT');
    expect((await runTask(t.client, `mutation ($id: ID!) { deleteRepositoryVersion(id: $id) { id } }`, { id: middle.id })).state).toBe('COMPLETED');
    expect((await t.client.data(`query ($id: ID!) { repositoryVersion(id: $id) { id } }`, { id: middle.id })).repositoryVersion).toBeNull();
    expect(await summary(repo)).toEqual({
      number: 2,
      contentSummary: { added: [{ type: 'file.file', count: 2 }], removed: [], present: [{ type: 'file.file', count: 2 }] },
    });
  });

  it('answer bad modifications with clear errors before any task runs', async () => {
    const repo = await createRepository('strict');
    const artifact = await uploadArtifact(t.client, 'not content');
    expect(await t.client.errorCode(`mutation ($id: ID!) { modifyFileRepository(id: $id, addContent: ["${artifact.id}"]) { id } }`, { id: repo })).toBe('NOT_FOUND');
    expect(await t.client.errorCode(`mutation ($id: ID!) { modifyFileRepository(id: $id, baseVersion: 7) { id } }`, { id: repo })).toBe('NOT_FOUND');
    expect(await t.client.errorCode(`mutation ($id: ID!) { modifyFileRepository(id: $id, baseVersion: -1) { id } }`, { id: repo })).toBe('BAD_USER_INPUT');
    expect(await t.client.errorCode(`mutation { createFileContent(relativePath: "../escape", artifactId: "${artifact.id}") { id } }`)).toBe('BAD_USER_INPUT');
    expect(await t.client.errorCode(`mutation { createFileContent(relativePath: "/abs", artifactId: "${artifact.id}") { id } }`)).toBe('BAD_USER_INPUT');
    expect(await t.client.errorCode(`mutation { createFileContent(relativePath: "ok") { id } }`)).toBe('BAD_USER_INPUT');
  });
});
