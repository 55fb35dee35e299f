import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask, uploadArtifact } from './support/content.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { makeUser, type TestUser } from './support/identities.js';
import { finished } from './support/tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { until } from './support/wait.js';

/*
 * Alice has a repository with a remote, versions, content, a publication and a distribution; Bob
 * has one of his own. What is Alice's is none of Bob's business until she grants him a role on it,
 * and stops being so the moment she revokes it.
 */

let t: TestLarder;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
/** Alice's objects. */
let mine: { repository: string; remote: string; distribution: string; npmRepository: string; publication: string; content: string; artifact: string; versions: string[]; tasks: string[] };
/** Bob's own repository and distribution (admin made them and made him their owner). */
let his: { repository: string; distribution: string };
/** Every task event Bob's open `taskEvents` subscription has delivered, in order. */
const bobEvents: Array<{ id: string; state: string }> = [];

const role = (r: string, holder: { userId?: string; groupId?: string }, objectId?: string) => ({ input: { role: r, ...holder, objectId: objectId ?? null } });
const GRANT = 'mutation ($input: RoleAssignmentInput!) { grantRole(input: $input) { id } }';
const REVOKE = 'mutation ($input: RoleAssignmentInput!) { revokeRole(input: $input) }';

async function task(client: GraphQLClient, mutation: string, variables: Record<string, unknown>): Promise<string> {
  const done = await runTask(client, mutation, variables);
  if (done.state !== 'COMPLETED') throw new Error(`${mutation} ended ${done.state}: ${JSON.stringify(done.error)}`);
  return done.createdResources[0] ?? done.id;
}

async function repository(client: GraphQLClient, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { createFileRepository } = await client.data('mutation ($input: CreateFileRepositoryInput!) { createFileRepository(input: $input) { id } }',
    { input: { name, ...extra } });
  return createFileRepository.id;
}

function distribution(client: GraphQLClient, name: string, repositoryId?: string): Promise<{ createFileDistribution: { id: string } }> {
  return client.data('mutation ($input: CreateFileDistributionInput!) { createFileDistribution(input: $input) { id } }',
    { input: { name, basePath: name, repositoryId: repositoryId ?? null } });
}

const LISTS = ['fileRepositories', 'repositories', 'repositoryVersions', 'fileRemotes', 'remotes', 'fileDistributions', 'distributions',
  'filePublications', 'publications', 'fileContents', 'contents', 'artifacts', 'npmRepositories'] as const;

/** What each list shows the client: the ids on its page, and its totalCount. */
async function lists(client: GraphQLClient): Promise<Record<(typeof LISTS)[number], { ids: string[]; totalCount: number }>> {
  const data = await client.data(`{ ${LISTS.map((l) => `${l}(first: 100) { totalCount nodes { id } }`).join(' ')} }`);
  return Object.fromEntries(LISTS.map((l) => [l, { ids: data[l].nodes.map((n: { id: string }) => n.id).sort(), totalCount: data[l].totalCount }])) as never;
}

/** Alice's objects, read one by one: null for each Bob may not see. */
async function readsOfMine(client: GraphQLClient): Promise<Record<string, string | null>> {
  const data = await client.data(`query ($r: ID!, $m: ID!, $d: ID!, $p: ID!, $c: ID!, $a: ID!, $v: ID!, $t: ID!, $n: ID!) {
    fileRepository(id: $r) { id } repository(id: $r) { id } npmRepository(id: $n) { id } fileRemote(id: $m) { id } remote(id: $m) { id }
    fileDistribution(id: $d) { id } distribution(id: $d) { id } filePublication(id: $p) { id } publication(id: $p) { id }
    fileContent(id: $c) { id } content(id: $c) { id } artifact(id: $a) { id } repositoryVersion(id: $v) { id } task(id: $t) { id } }`, {
    r: mine.repository, m: mine.remote, d: mine.distribution, p: mine.publication, c: mine.content, a: mine.artifact,
    v: mine.versions[0], t: mine.tasks[0], n: mine.npmRepository,
  });
  return Object.fromEntries(Object.entries(data).map(([field, value]) => [field, (value as { id: string } | null)?.id ?? null]));
}

/**
 * Whether Bob's open subscription shows a task Alice runs on her repository. Hers runs to its end
 * first, then Bob dispatches one of his own: his stream shows his after hers, if it shows hers at all.
 */
async function bobIsShownAlicesTask(): Promise<boolean> {
  const hers = await runTask(alice.client, 'mutation ($r: [String!]) { dispatchTestTask(sleepMs: 0, exclusiveResources: $r) { id } }',
    { r: [`repository:${mine.repository}`] });
  const { dispatchTestTask: own } = await bob.client.data('mutation { dispatchTestTask(sleepMs: 0) { id } }');
  await until('Bob is shown his own task', async () => bobEvents.some((e) => e.id === own.id), 10_000);
  return bobEvents.some((e) => e.id === hers.id);
}

/** Milliseconds from `since` until `probe` answers true. */
async function msUntil(probe: () => Promise<boolean>, since: number): Promise<number> {
  await until('the probe answering true', probe, 15_000);
  return Date.now() - since;
}

const bobIsNotShownAlicesTask = async () => !(await bobIsShownAlicesTask());

beforeAll(async () => {
  t = await startTestLarder();
  [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => makeUser(t.client, name)));
  // Alice and Carol may create objects; Bob may not, and holds no role on every object (that would show him everything).
  await Promise.all([alice, carol].map((u) => t.client.data(GRANT, role('CONTRIBUTOR', { userId: u.id }))));

  const { createFileRemote } = await alice.client.data('mutation { createFileRemote(input: { name: "alices", url: "http://127.0.0.1:9/PULP_MANIFEST" }) { id } }');
  const repositoryId = await repository(alice.client, 'alices', { remoteId: createFileRemote.id });
  const artifact = await uploadArtifact(alice.client, 'alice\'s file\n');
  const createFile = 'mutation ($a: ID!, $r: ID!) { createFileContent(relativePath: "a.txt", artifactId: $a, repositoryId: $r) { id } }';
  const contentTask = await runTask(alice.client, createFile, { a: artifact.id, r: repositoryId });
  const publication = await task(alice.client, 'mutation ($r: ID!) { createFilePublication(repositoryId: $r) { id } }', { r: repositoryId });
  const distributed = await runTask(alice.client, 'mutation { createFileDistribution(input: { name: "alices", basePath: "alices" }) { id } }');
  const { createNpmRepository } = await alice.client.data('mutation { createNpmRepository(input: { name: "alices" }) { id } }');
  const { fileRepository } = await alice.client.data('query ($id: ID!) { fileRepository(id: $id) { versions { nodes { id } } } }', { id: repositoryId });
  mine = {
    repository: repositoryId, remote: createFileRemote.id, distribution: distributed.createdResources[0]!, npmRepository: createNpmRepository.id,
    publication, content: contentTask.createdResources[0]!, artifact: artifact.id,
    versions: fileRepository.versions.nodes.map((v: { id: string }) => v.id).sort(), tasks: [contentTask.id],
  };

  const bobs = await repository(t.client, 'bobs');
  const bobsDistribution = await task(t.client, 'mutation { createFileDistribution(input: { name: "bobs", basePath: "bobs" }) { id } }', {});
  await Promise.all([bobs, bobsDistribution].map((id) => t.client.data(GRANT, role('OWNER', { userId: bob.id }, id))));
  his = { repository: bobs, distribution: bobsDistribution };

  void (async () => {
    for await (const result of bob.client.subscription<{ taskEvents: { id: string; state: string } }>('subscription { taskEvents { id state } }', {})) {
      if (result.data) bobEvents.push(result.data.taskEvents);
    }
  })();
  // Open once Bob is shown a task of his own.
  await until('Bob\'s subscription is open', async () => {
    const { dispatchTestTask } = await bob.client.data('mutation { dispatchTestTask(sleepMs: 0) { id } }');
    await finished(bob.client, dispatchTestTask);
    return bobEvents.some((e) => e.id === dispatchTestTask.id);
  });
}, 120_000);

afterAll(async () => {
  await bob?.client.close();
  await t?.stop();
});

describe('what one user has, another may not see until granted a role on it', () => {
  it('hides Alice\'s repository and all that belongs to it from Bob: lists and totalCounts leave them out, reads answer null, changes NOT_FOUND', async () => {
    const seen = await lists(bob.client);
    expect(seen.fileRepositories).toEqual({ ids: [his.repository], totalCount: 1 });
    expect(seen.repositories).toEqual({ ids: [his.repository], totalCount: 1 });
    expect(seen.fileDistributions).toEqual({ ids: [his.distribution], totalCount: 1 });
    for (const list of ['fileRemotes', 'remotes', 'filePublications', 'publications', 'fileContents', 'contents', 'artifacts', 'npmRepositories'] as const) {
      expect(seen[list], list).toEqual({ ids: [], totalCount: 0 });
    }
    // Bob's own repository has its version 0, and nothing of Alice's.
    expect(seen.repositoryVersions.totalCount).toBe(1);
    expect(seen.repositoryVersions.ids).not.toContain(mine.versions[0]);

    expect(Object.values(await readsOfMine(bob.client)).every((id) => id === null)).toBe(true);
    const { tasks } = await bob.client.data('{ tasks(first: 100) { totalCount nodes { id user { username } } } }');
    expect(tasks.nodes.filter((n: { user: { username: string } | null }) => n.user?.username === 'alice')).toEqual([]);
    expect(await bob.client.data('query ($id: ID!) { myPermissions(objectId: $id) }', { id: mine.repository })).toEqual({ myPermissions: [] });

    for (const [mutation, id] of [
      ['mutation ($id: ID!) { syncFileRepository(id: $id) { id } }', mine.repository],
      ['mutation ($id: ID!) { updateFileRepository(id: $id, input: { description: "bob was here" }) { id } }', mine.repository],
      ['mutation ($id: ID!) { deleteFileRepository(id: $id) { id } }', mine.repository],
      ['mutation ($id: ID!) { deleteFileRemote(id: $id) { id } }', mine.remote],
      ['mutation ($id: ID!) { updateFileDistribution(id: $id, input: { description: "bob was here" }) { id } }', mine.distribution],
      ['mutation ($id: ID!) { cancelTask(id: $id) { id } }', mine.tasks[0]],
      ['query ($id: ID!) { roleAssignments(objectId: $id) { id } }', mine.repository],
      ['mutation ($id: ID!, $bob: ID!) { grantRole(input: { role: OWNER, userId: $bob, objectId: $id }) { id } }', mine.repository],
    ] as const) {
      expect(await bob.client.errorCode(mutation, { id, bob: bob.id }), mutation).toBe('NOT_FOUND');
    }
    expect(await bobIsShownAlicesTask()).toBe(false);
  });

  it('shows Bob the repository, its versions, content, publication and tasks once Alice grants him VIEWER on it, but not her remote or distribution; as a viewer he may not sync or change it', async () => {
    await alice.client.data(GRANT, role('VIEWER', { userId: bob.id }, mine.repository));

    const seen = await lists(bob.client);
    expect(seen.fileRepositories).toEqual({ ids: [his.repository, mine.repository].sort(), totalCount: 2 });
    expect(seen.repositories).toEqual({ ids: [his.repository, mine.repository].sort(), totalCount: 2 });
    expect(seen.repositoryVersions.ids).toEqual(expect.arrayContaining(mine.versions));
    expect(seen.repositoryVersions.totalCount).toBe(1 + mine.versions.length);
    expect(seen.filePublications).toEqual({ ids: [mine.publication], totalCount: 1 });
    expect(seen.fileContents).toEqual({ ids: [mine.content], totalCount: 1 });
    expect(seen.artifacts).toEqual({ ids: [mine.artifact], totalCount: 1 });
    expect(seen.fileRemotes).toEqual({ ids: [], totalCount: 0 });
    expect(seen.fileDistributions).toEqual({ ids: [his.distribution], totalCount: 1 });

    const reads = await readsOfMine(bob.client);
    expect(reads).toEqual({
      fileRepository: mine.repository, repository: mine.repository, npmRepository: null, fileRemote: null, remote: null,
      fileDistribution: null, distribution: null, filePublication: mine.publication, publication: mine.publication,
      fileContent: mine.content, content: mine.content, artifact: mine.artifact, repositoryVersion: mine.versions[0], task: mine.tasks[0],
    });
    const { task: made } = await bob.client.data('query ($id: ID!) { task(id: $id) { user { username } } }', { id: mine.tasks[0] });
    expect(made.user.username).toBe('alice');
    expect((await bob.client.data('query ($id: ID!) { myPermissions(objectId: $id) }', { id: mine.repository })).myPermissions)
      .toEqual(['view', 'list', 'download']);

    for (const mutation of [
      'mutation ($id: ID!) { syncFileRepository(id: $id) { id } }',
      'mutation ($id: ID!) { modifyFileRepository(id: $id, removeContent: ["*"]) { id } }',
      'mutation ($id: ID!) { updateFileRepository(id: $id, input: { description: "bob was here" }) { id } }',
      'mutation ($id: ID!) { deleteFileRepository(id: $id) { id } }',
      'mutation ($id: ID!) { createFilePublication(repositoryId: $id) { id } }',
      'query ($id: ID!) { roleAssignments(objectId: $id) { id } }',
    ]) {
      expect(await bob.client.errorCode(mutation, { id: mine.repository }), mutation).toBe('FORBIDDEN');
    }
    expect(await bob.client.errorCode('mutation ($id: ID!) { cancelTask(id: $id) { id } }', { id: mine.tasks[0] })).toBe('FORBIDDEN');

    await alice.client.data(GRANT, role('VIEWER', { userId: bob.id }, mine.remote));
    await alice.client.data(GRANT, role('VIEWER', { userId: bob.id }, mine.distribution));
    expect(await readsOfMine(bob.client)).toMatchObject({ fileRemote: mine.remote, remote: mine.remote, fileDistribution: mine.distribution });
  });

  it('lets a contributor of the repository sync only from a remote he may see', async () => {
    await alice.client.data(GRANT, role('CONTRIBUTOR', { userId: bob.id }, mine.repository));
    await alice.client.data(REVOKE, role('VIEWER', { userId: bob.id }, mine.remote));
    const sync = 'mutation ($id: ID!) { syncFileRepository(id: $id) { id } }';
    expect(await bob.client.errorCode(sync, { id: mine.repository })).toBe('NOT_FOUND');
    await alice.client.data(GRANT, role('VIEWER', { userId: bob.id }, mine.remote));
    const { syncFileRepository } = await bob.client.data(sync, { id: mine.repository });
    expect((await finished(bob.client, syncFileRepository)).state).toMatch(/COMPLETED|FAILED/);
    await alice.client.data(REVOKE, role('CONTRIBUTOR', { userId: bob.id }, mine.repository));
  });

  it('lets Bob point his distribution only at a repository he may see', async () => {
    const point = 'mutation ($id: ID!, $r: ID!) { updateFileDistribution(id: $id, input: { repositoryId: $r }) { id } }';
    const { createFileRepository: hidden } = await alice.client.data('mutation { createFileRepository(input: { name: "alices-hidden" }) { id } }');
    expect(await bob.client.errorCode(point, { id: his.distribution, r: hidden.id })).toBe('NOT_FOUND');
    const { updateFileDistribution } = await bob.client.data(point, { id: his.distribution, r: mine.repository });
    expect((await finished(bob.client, updateFileDistribution)).state).toBe('COMPLETED');
  });

  it('does not let a contributor add content he may not see to his own repository', async () => {
    const { createFileRepository: hidden } = await alice.client.data('mutation { createFileRepository(input: { name: "alices-secret" }) { id } }');
    const secret = await uploadArtifact(alice.client, 'a secret\n');
    const content = await task(alice.client,
      'mutation ($a: ID!, $r: ID!) { createFileContent(relativePath: "secret.txt", artifactId: $a, repositoryId: $r) { id } }', { a: secret.id, r: hidden.id });
    const add = 'mutation ($id: ID!, $c: [ID!]) { modifyFileRepository(id: $id, addContent: $c) { id } }';
    expect(await bob.client.errorCode(add, { id: his.repository, c: [content] })).toBe('NOT_FOUND');
    expect(await bob.client.errorCode(add, { id: his.repository, c: ['0190a4b2-0000-7000-8000-000000000000'] })).toBe('NOT_FOUND');
    // Content he may see (in Alice's repository, which he views) he may add.
    const { modifyFileRepository } = await bob.client.data(add, { id: his.repository, c: [mine.content] });
    expect((await finished(bob.client, modifyFileRepository)).state).toBe('COMPLETED');
  });

  it('takes a revocation at once for queries and mutations, and within seconds for Bob\'s open taskEvents subscription', async () => {
    const granted = Date.now();
    expect(await msUntil(bobIsShownAlicesTask, granted)).toBeLessThan(5_000);

    const revoked = Date.now();
    expect(await alice.client.data(REVOKE, role('VIEWER', { userId: bob.id }, mine.repository))).toEqual({ revokeRole: true });
    expect((await readsOfMine(bob.client)).fileRepository).toBeNull();
    expect((await lists(bob.client)).repositories).toEqual({ ids: [his.repository], totalCount: 1 });
    expect(await bob.client.errorCode('mutation ($id: ID!) { updateFileRepository(id: $id, input: {}) { id } }', { id: mine.repository })).toBe('NOT_FOUND');
    const hiddenAfter = await msUntil(bobIsNotShownAlicesTask, revoked);
    expect(hiddenAfter).toBeLessThan(5_000);
    expect(await bobIsShownAlicesTask()).toBe(false);
  });

  it('works the same through a group: a role granted to the group is each member\'s until it is revoked or the member leaves', async () => {
    const { createGroup } = await t.client.data('mutation { createGroup(input: { name: "readers" }) { id } }');
    await t.client.data('mutation ($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { id } }', { g: createGroup.id, u: bob.id });
    expect((await readsOfMine(bob.client)).fileRepository).toBeNull();

    await alice.client.data(GRANT, role('VIEWER', { groupId: createGroup.id }, mine.repository));
    expect(await readsOfMine(bob.client)).toMatchObject({ fileRepository: mine.repository, fileContent: mine.content, task: mine.tasks[0] });
    expect((await lists(bob.client)).repositories.totalCount).toBe(2);
    const { roleAssignments } = await alice.client.data('query ($id: ID!) { roleAssignments(objectId: $id) { role user { username } group { name } } }',
      { id: mine.repository });
    expect(roleAssignments).toContainEqual({ role: 'VIEWER', user: null, group: { name: 'readers' } });
    expect(await msUntil(bobIsShownAlicesTask, Date.now())).toBeLessThan(5_000);

    await t.client.data('mutation ($g: ID!, $u: ID!) { removeGroupMember(groupId: $g, userId: $u) { id } }', { g: createGroup.id, u: bob.id });
    expect((await readsOfMine(bob.client)).fileRepository).toBeNull();
    expect((await lists(bob.client)).repositories.totalCount).toBe(1);

    await t.client.data('mutation ($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { id } }', { g: createGroup.id, u: bob.id });
    expect((await readsOfMine(bob.client)).fileRepository).toBe(mine.repository);
    await alice.client.data(REVOKE, role('VIEWER', { groupId: createGroup.id }, mine.repository));
    expect((await readsOfMine(bob.client)).fileRepository).toBeNull();
    expect(await bob.client.errorCode('mutation ($id: ID!) { syncFileRepository(id: $id) { id } }', { id: mine.repository })).toBe('NOT_FOUND');
  });

  it('answers every grant and revocation of one role made at the same moment', async () => {
    const input = role('VIEWER', { userId: carol.id }, mine.distribution);
    for (let round = 0; round < 20; round++) {
      const mutations = Array.from({ length: 12 }, (_, i) => (i % 3 === 1 ? REVOKE : GRANT));
      const answers = await Promise.all(mutations.map((mutation) => alice.client.request(mutation, input)));
      expect(answers.flatMap((a) => a.errors ?? [])).toEqual([]);
    }
    await alice.client.data(GRANT, input);
    const { roleAssignments } = await alice.client.data('query ($id: ID!) { roleAssignments(objectId: $id) { role user { username } } }', { id: mine.distribution });
    expect(roleAssignments.filter((a: { user: { username: string } | null }) => a.user?.username === 'carol')).toEqual([{ role: 'VIEWER', user: { username: 'carol' } }]);
  });

  it('refuses a role on an object that does not exist, also to an admin', async () => {
    const nothing = '0190a4b2-0000-7000-8000-000000000001';
    expect(await t.client.errorCode(GRANT, role('VIEWER', { userId: bob.id }, nothing))).toBe('NOT_FOUND');
    expect(await t.client.errorCode(GRANT, role('VIEWER', { userId: bob.id }, mine.tasks[0]))).toBe('NOT_FOUND');
    expect(await alice.client.errorCode(GRANT, role('VIEWER', { userId: bob.id }, nothing))).toBe('NOT_FOUND');
  });
});

describe('objects made by tasks', () => {
  it('belong to the user who dispatched the task, while another user holds roles and dispatches tasks at the same time', async () => {
    // Carol holds roles on other objects meanwhile: she owns hers and views Alice's repository.
    await alice.client.data(GRANT, role('VIEWER', { userId: carol.id }, mine.repository));
    const by = (user: TestUser, n: number) => Array.from({ length: n }, (_, i) => ({ user, name: `${user.username}-${i}` }));
    const wanted = [...by(alice, 4), ...by(carol, 4)];
    const [made] = await Promise.all([
      Promise.all(wanted.map(async ({ user, name }) => {
        const { createFileDistribution } = await distribution(user.client, name, user === alice ? mine.repository : undefined);
        const done = await finished(user.client, createFileDistribution);
        expect(done.state).toBe('COMPLETED');
        return { user, task: createFileDistribution.id, id: done.createdResources[0]! };
      })),
      Promise.all(Array.from({ length: 8 }, () => carol.client.data('mutation { dispatchTestTask(sleepMs: 20) { id } }'))),
    ]);

    for (const { user, task: taskId, id } of made) {
      const { roleAssignments } = await t.client.data('query ($id: ID!) { roleAssignments(objectId: $id) { role user { username } group { id } } }', { id });
      expect(roleAssignments, `${user.username}'s distribution`).toEqual([{ role: 'OWNER', user: { username: user.username }, group: null }]);
      const { task: dispatched } = await t.client.data('query ($id: ID!) { task(id: $id) { user { username } } }', { id: taskId });
      expect(dispatched.user.username).toBe(user.username);
      const other = user === alice ? carol : alice;
      expect((await user.client.data('query ($id: ID!) { myPermissions(objectId: $id) }', { id })).myPermissions).toContain('manage_roles');
      // The other holds CONTRIBUTOR on every object: everything but what only an owner may do.
      expect((await other.client.data('query ($id: ID!) { myPermissions(objectId: $id) }', { id })).myPermissions)
        .toEqual(['view', 'list', 'download', 'sync', 'modify', 'upload', 'publish', 'distribute']);
    }
  });
});
