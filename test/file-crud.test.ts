import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, TASK_FIELDS } from './support/tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder();
});
afterAll(async () => {
  await t?.stop();
});

const REMOTE = `id name url policy downloadConcurrency labels createdAt updatedAt`;
const REPO = `id name description labels retainRepoVersions manifest autopublish type remote { id name }
  latestVersion { number } versions { nodes { number } }`;

async function createRemote(name: string, labels: Record<string, string> = {}) {
  const { createFileRemote } = await t.client.data(
    `mutation ($input: CreateFileRemoteInput!) { createFileRemote(input: $input) { ${REMOTE} } }`,
    { input: { name, url: `http://127.0.0.1:9/${name}/`, labels } },
  );
  return createFileRemote;
}

describe('file remotes', () => {
  it('are created, read back and listed with their defaults', async () => {
    const remote = await createRemote('fedora', { env: 'prod' });
    expect(remote).toMatchObject({ name: 'fedora', policy: 'IMMEDIATE', downloadConcurrency: 10, labels: { env: 'prod' } });
    const { fileRemote } = await t.client.data(`query ($id: ID!) { fileRemote(id: $id) { ${REMOTE} } }`, { id: remote.id });
    expect(fileRemote).toEqual(remote);
    const { remotes } = await t.client.data(`{ remotes { totalCount nodes { __typename ... on FileRemote { name } } } }`);
    expect(remotes.nodes).toContainEqual({ __typename: 'FileRemote', name: 'fedora' });
  });

  it('are updated by a task that holds the remote exclusively', async () => {
    const remote = await createRemote('to-update');
    const { updateFileRemote } = await t.client.data(
      `mutation ($id: ID!) { updateFileRemote(id: $id, input: { url: "https://example.org/files/", policy: ON_DEMAND }) { ${TASK_FIELDS} } }`,
      { id: remote.id },
    );
    expect(updateFileRemote.state).toBe('WAITING');
    expect(updateFileRemote.exclusiveResources).toEqual([`remote:${remote.id}`]);
    expect((await finished(t.client, updateFileRemote)).state).toBe('COMPLETED');
    const { fileRemote } = await t.client.data(`query ($id: ID!) { fileRemote(id: $id) { url policy name } }`, { id: remote.id });
    expect(fileRemote).toEqual({ url: 'https://example.org/files/', policy: 'ON_DEMAND', name: 'to-update' });
  });

  it('are deleted by a task', async () => {
    const remote = await createRemote('to-delete');
    const { deleteFileRemote } = await t.client.data(`mutation ($id: ID!) { deleteFileRemote(id: $id) { id } }`, { id: remote.id });
    expect((await finished(t.client, deleteFileRemote)).state).toBe('COMPLETED');
    const { fileRemote } = await t.client.data(`query ($id: ID!) { fileRemote(id: $id) { id } }`, { id: remote.id });
    expect(fileRemote).toBeNull();
  });
});

describe('file repositories', () => {
  it('start with version 0 and link their remote', async () => {
    const remote = await createRemote('repo-remote');
    const { createFileRepository } = await t.client.data(
      `mutation ($input: CreateFileRepositoryInput!) { createFileRepository(input: $input) { ${REPO} } }`,
      { input: { name: 'iso', description: 'ISO images', remoteId: remote.id, retainRepoVersions: 3, labels: { tier: 'gold' } } },
    );
    expect(createFileRepository).toMatchObject({
      name: 'iso', description: 'ISO images', retainRepoVersions: 3, manifest: 'PULP_MANIFEST', autopublish: false,
      type: 'file.file', remote: { id: remote.id, name: 'repo-remote' }, latestVersion: { number: 0 },
      versions: { nodes: [{ number: 0 }] }, labels: { tier: 'gold' },
    });
    const { repositories } = await t.client.data(
      `query ($id: ID!) { repositories(filter: { id: { eq: $id } }) { nodes { __typename name latestVersion { number } } } }`,
      { id: createFileRepository.id },
    );
    expect(repositories.nodes).toEqual([{ __typename: 'FileRepository', name: 'iso', latestVersion: { number: 0 } }]);
  });

  it('are updated and deleted through tasks, with the change visible afterwards', async () => {
    const { createFileRepository: repo } = await t.client.data(
      `mutation { createFileRepository(input: { name: "changing" }) { id } }`,
    );
    const { updateFileRepository } = await t.client.data(
      `mutation ($id: ID!) { updateFileRepository(id: $id, input: { description: "now described", autopublish: true, labels: { a: "b" } }) { id exclusiveResources } }`,
      { id: repo.id },
    );
    expect(updateFileRepository.exclusiveResources).toEqual([`repository:${repo.id}`]);
    expect((await finished(t.client, updateFileRepository)).state).toBe('COMPLETED');
    const { fileRepository } = await t.client.data(`query ($id: ID!) { fileRepository(id: $id) { description autopublish labels name } }`, { id: repo.id });
    expect(fileRepository).toEqual({ description: 'now described', autopublish: true, labels: { a: 'b' }, name: 'changing' });

    const { deleteFileRepository } = await t.client.data(`mutation ($id: ID!) { deleteFileRepository(id: $id) { id } }`, { id: repo.id });
    expect((await finished(t.client, deleteFileRepository)).state).toBe('COMPLETED');
    expect((await t.client.data(`query ($id: ID!) { fileRepository(id: $id) { id } }`, { id: repo.id })).fileRepository).toBeNull();
  });
});

describe('listing', () => {
  beforeAll(async () => {
    const labels = [{ env: 'prod', tier: 'db' }, { env: 'prod', tier: 'web' }, { env: 'dev' }, { env: 'prod', team: 'ops' }, {}];
    for (const [i, l] of labels.entries()) {
      await t.client.data(`mutation ($input: CreateFileRepositoryInput!) { createFileRepository(input: $input) { id } }`, {
        input: { name: `list-${i}`, labels: l, retainRepoVersions: i + 1 },
      });
    }
  });

  const list = async (args: string) =>
    (await t.client.data(`{ fileRepositories(${args}) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } }`)).fileRepositories;

  it('filters with typed operators and and/or/not', async () => {
    expect((await list(`filter: { name: { startsWith: "list-" }, retainRepoVersions: { gte: 4 } }`)).nodes.map((n: { name: string }) => n.name))
      .toEqual(['list-3', 'list-4']);
    const either = await list(`filter: { or: [{ name: { eq: "list-0" } }, { name: { in: ["list-2", "list-4"] } }] }`);
    expect(either.totalCount).toBe(3);
    const notPrefixed = await list(`filter: { name: { startsWith: "list-" }, not: { retainRepoVersions: { lt: 5 } } }`);
    expect(notPrefixed.nodes).toEqual([{ name: 'list-4' }]);
    expect((await list(`filter: { description: { isNull: false }, name: { startsWith: "list-" } }`)).totalCount).toBe(0);
  });

  it('selects by labels as Pulp does', async () => {
    const names = async (select: string) =>
      (await list(`filter: { labelSelect: ${JSON.stringify(select)} }, orderBy: [{ field: NAME }]`)).nodes.map((n: { name: string }) => n.name);
    expect(await names('env=prod')).toEqual(['list-0', 'list-1', 'list-3']);
    expect(await names('env=prod,tier!=db')).toEqual(['list-1']);
    expect(await names('env=prod,!tier')).toEqual(['list-3']);
    expect(await names('team')).toEqual(['list-3']);
    expect(await names('tier~e')).toEqual(['list-1']);
  });

  it('orders and pages with cursors and offsets, counting every match', async () => {
    const first = await list(`filter: { name: { startsWith: "list-" } }, orderBy: [{ field: RETAIN_REPO_VERSIONS, direction: DESC }], first: 2`);
    expect(first.totalCount).toBe(5);
    expect(first.nodes).toEqual([{ name: 'list-4' }, { name: 'list-3' }]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await list(`filter: { name: { startsWith: "list-" } }, orderBy: [{ field: RETAIN_REPO_VERSIONS, direction: DESC }], first: 2, after: "${first.pageInfo.endCursor}"`);
    expect(second.nodes).toEqual([{ name: 'list-2' }, { name: 'list-1' }]);
    const last = await list(`filter: { name: { startsWith: "list-" } }, orderBy: [{ field: RETAIN_REPO_VERSIONS, direction: DESC }], first: 2, after: "${second.pageInfo.endCursor}"`);
    expect(last.nodes).toEqual([{ name: 'list-0' }]);
    expect(last.pageInfo.hasNextPage).toBe(false);
    const offset = await list(`filter: { name: { startsWith: "list-" } }, orderBy: [{ field: NAME }], offset: 3`);
    expect(offset.nodes).toEqual([{ name: 'list-3' }, { name: 'list-4' }]);
  });
});

describe('file distributions', () => {
  it('are created by a task that locks the base path, and serve a repository', async () => {
    const { createFileRepository: repo } = await t.client.data(`mutation { createFileRepository(input: { name: "served" }) { id } }`);
    const { createFileDistribution: task } = await t.client.data(
      `mutation ($repo: ID!) { createFileDistribution(input: { name: "served", basePath: "pub/served", repositoryId: $repo }) { id exclusiveResources } }`,
      { repo: repo.id },
    );
    expect(task.exclusiveResources).toEqual(['distribution:base_path:pub/served', 'distribution:base_path:pub']);
    const done = await finished(t.client, task);
    expect(done.state).toBe('COMPLETED');
    expect(done.createdResources).toHaveLength(1);
    const { fileDistribution } = await t.client.data(
      `query ($id: ID!) { fileDistribution(id: $id) { name basePath baseUrl repository { id } publication { id } } }`,
      { id: done.createdResources[0] },
    );
    expect(fileDistribution).toEqual({
      name: 'served', basePath: 'pub/served', baseUrl: `${t.larder.url}/content/pub/served/`, repository: { id: repo.id }, publication: null,
    });

    const { createFileDistribution: nested } = await t.client.data(
      `mutation { createFileDistribution(input: { name: "nested", basePath: "pub/served/inner" }) { id } }`,
    );
    const failed = await finished(t.client, nested);
    expect(failed.state).toBe('FAILED');
    expect(failed.error?.code).toBe('CONFLICT');
    expect((await t.client.data(`{ fileDistributions(filter: { name: { eq: "nested" } }) { totalCount } }`)).fileDistributions.totalCount).toBe(0);
  });
});

describe('file distributions, changed', () => {
  it('move to a new base path under its lock, and are deleted by a task', async () => {
    const { createFileDistribution: created } = await t.client.data(`mutation { createFileDistribution(input: { name: "mover", basePath: "old/place" }) { id } }`);
    const id = (await finished(t.client, created)).createdResources[0];
    const { updateFileDistribution: move } = await t.client.data(
      `mutation ($id: ID!) { updateFileDistribution(id: $id, input: { basePath: "new/place", labels: { moved: "yes" } }) { id exclusiveResources } }`,
      { id },
    );
    expect(move.exclusiveResources).toEqual([`distribution:${id}`, 'distribution:base_path:new/place', 'distribution:base_path:new']);
    expect((await finished(t.client, move)).state).toBe('COMPLETED');
    const { fileDistributions } = await t.client.data(`{ fileDistributions(filter: { labelSelect: "moved=yes" }) { nodes { name basePath } } }`);
    expect(fileDistributions.nodes).toEqual([{ name: 'mover', basePath: 'new/place' }]);

    const { deleteFileDistribution: remove } = await t.client.data(`mutation ($id: ID!) { deleteFileDistribution(id: $id) { id } }`, { id });
    expect((await finished(t.client, remove)).state).toBe('COMPLETED');
    expect((await t.client.data(`query ($id: ID!) { fileDistribution(id: $id) { id } }`, { id })).fileDistribution).toBeNull();
  });
});
