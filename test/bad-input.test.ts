import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder();
});
afterAll(async () => {
  await t?.stop();
});

const MISSING = '0193a5b0-0000-7000-8000-000000000000';

async function counts() {
  const { fileRepositories, fileRemotes, tasks } = await t.client.data(
    `{ fileRepositories { totalCount } fileRemotes { totalCount } tasks { totalCount } }`,
  );
  return { repositories: fileRepositories.totalCount, remotes: fileRemotes.totalCount, tasks: tasks.totalCount };
}

describe('bad input', () => {
  it('names the field and the rule it broke, never the value refused (a password would travel back in clear)', async () => {
    const refused = 'short1';
    const result = await t.client.request(`mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
      input: { username: 'refused', password: refused },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT', validationErrors: [{ property: 'password', constraints: { isLength: expect.any(String) } }],
    });
    expect(JSON.stringify(result)).not.toContain(refused);
  });

  it('answers NOT_FOUND for an unknown id, and null when merely reading it', async () => {
    expect((await t.client.data(`query ($id: ID!) { fileRepository(id: $id) { id } }`, { id: MISSING })).fileRepository).toBeNull();
    expect((await t.client.data(`{ fileRepository(id: "not-a-uuid") { id } }`)).fileRepository).toBeNull();
    const before = await counts();
    expect(await t.client.errorCode(`mutation ($id: ID!) { updateFileRepository(id: $id, input: { description: "x" }) { id } }`, { id: MISSING })).toBe('NOT_FOUND');
    expect(await t.client.errorCode(`mutation ($id: ID!) { deleteFileRemote(id: $id) { id } }`, { id: MISSING })).toBe('NOT_FOUND');
    expect(await t.client.errorCode(`mutation { deleteFileDistribution(id: "garbage") { id } }`)).toBe('NOT_FOUND');
    expect(await t.client.errorCode(`mutation ($id: ID!) { createFileRepository(input: { name: "dangling", remoteId: $id }) { id } }`, { id: MISSING })).toBe('NOT_FOUND');
    expect(await t.client.errorCode(`mutation ($id: ID!) { cancelTask(id: $id) { id } }`, { id: MISSING })).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
  });

  it('answers CONFLICT for a duplicate name, on create and on update, and stores nothing', async () => {
    await t.client.data(`mutation { createFileRemote(input: { name: "twin", url: "http://127.0.0.1:9/a/" }) { id } }`);
    const { createFileRemote: other } = await t.client.data(`mutation { createFileRemote(input: { name: "other", url: "http://127.0.0.1:9/b/" }) { id } }`);
    const before = await counts();
    const duplicate = await t.client.request(`mutation { createFileRemote(input: { name: "twin", url: "http://127.0.0.1:9/c/" }) { id } }`);
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(duplicate.errors?.[0]?.message).toContain('"twin"');
    expect(await t.client.errorCode(`mutation ($id: ID!) { updateFileRemote(id: $id, input: { name: "twin" }) { id } }`, { id: other.id })).toBe('CONFLICT');
    expect(await counts()).toEqual(before);
  });

  it('lets a repository and a remote share a name: names are unique per type', async () => {
    await t.client.data(`mutation { createFileRemote(input: { name: "shared-name", url: "http://127.0.0.1:9/" }) { id } }`);
    const { createFileRepository } = await t.client.data(`mutation { createFileRepository(input: { name: "shared-name" }) { name } }`);
    expect(createFileRepository.name).toBe('shared-name');
  });

  it.each([
    ['an empty name', `createFileRepository(input: { name: "" }) { id }`],
    ['a blank name', `createFileRepository(input: { name: "   " }) { id }`],
    ['a negative retainRepoVersions', `createFileRepository(input: { name: "neg", retainRepoVersions: -1 }) { id }`],
    ['a zero retainRepoVersions', `createFileRepository(input: { name: "zero", retainRepoVersions: 0 }) { id }`],
    ['a bad URL', `createFileRemote(input: { name: "bad-url", url: "not a url" }) { id }`],
    ['a non-HTTP URL', `createFileRemote(input: { name: "ftp", url: "ftp://example.org/pub/" }) { id }`],
    ['too many parallel downloads', `createFileRemote(input: { name: "greedy", url: "http://127.0.0.1:9/", downloadConcurrency: 1000 }) { id }`],
    ['labels that are not a map of strings', `createFileRepository(input: { name: "labelled", labels: { env: 3 } }) { id }`],
    ['a base path that climbs out', `createFileDistribution(input: { name: "escape", basePath: "../etc" }) { id }`],
    ['a base path with a leading slash', `createFileDistribution(input: { name: "rooted", basePath: "/pub" }) { id }`],
    ['null for a required field on update', `updateFileRemote(id: "${MISSING}", input: { url: null }) { id }`],
  ])('answers BAD_USER_INPUT for %s and stores nothing', async (_what, mutation) => {
    const before = await counts();
    expect(await t.client.errorCode(`mutation { ${mutation} }`)).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
  });

  it('refuses a label selector it cannot parse', async () => {
    expect(await t.client.errorCode(`{ fileRepositories(filter: { labelSelect: "=x" }) { totalCount } }`)).toBe('BAD_USER_INPUT');
  });

  it('refuses a cursor that does not belong to the list', async () => {
    expect(await t.client.errorCode(`{ fileRepositories(after: "bm9wZQ") { totalCount } }`)).toBe('BAD_USER_INPUT');
  });
});
