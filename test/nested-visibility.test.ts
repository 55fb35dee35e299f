import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFile, runTask } from './support/content.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { makeUser, type TestUser } from './support/identities.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { dispatchTestTask } from './support/test-tasks.js';

/*
 * Alice shares one repository (and the distribution serving it) with Bob as a viewer, and keeps
 * another repository, her remote and her content guard to herself. What Bob reaches below the
 * objects he may see, or learns from the answers to what he may not do, tells him nothing of
 * what is hers alone.
 */

let t: TestLarder;
let alice: TestUser;
let bob: TestUser;
/**
 * Shared with Bob: `shared` (a repository with `remote`), `distribution` (serving it, guarded by `guard`), `publishing` (a
 * distribution serving a publication of `secret`). Alice's alone: `secret…`,
 * the remote, the guard and a distribution of base path `private`. Bob's own: `bobs…`.
 */
let ids: {
  shared: string; remote: string; distribution: string; guard: string;
  secret: string; secretVersion: string; secretContent: string; secretArtifact: string; publishing: string; bobs: string; bobsDistribution: string;
};

/** How long a live stream may keep the roles it read (core/access/held-resources.ts). */
const ROLES_REFRESH_MS = 2_000;

const GRANT = 'mutation ($input: RoleAssignmentInput!) { grantRole(input: $input) { id } }';
const grant = (client: GraphQLClient, role: string, userId: string, objectId?: string) =>
  client.data(GRANT, { input: { role, userId, objectId: objectId ?? null } });

/** A file repository of Alice's with one file in version 1. */
async function repositoryWithAFile(name: string, remoteId?: string): Promise<{ repository: string; content: string }> {
  const { createFileRepository } = await alice.client.data('mutation ($input: CreateFileRepositoryInput!) { createFileRepository(input: $input) { id } }',
    { input: { name, remoteId: remoteId ?? null } });
  const content = await createFile(alice.client, `${name}.txt`, `${name}'s file\n`, createFileRepository.id);
  return { repository: createFileRepository.id, content };
}

/** A test task of Alice's holding the resources, run to its end. */
async function alicesTask(exclusiveResources: string[], extra = ''): Promise<string> {
  const done = await runTask(alice.client, `mutation ($r: [String!]) { dispatchTestTask(sleepMs: 0, exclusiveResources: $r${extra}) { id } }`, { r: exclusiveResources });
  expect(done.state).toBe('COMPLETED');
  return done.id;
}

/**
 * How a refusal reads with the id it was asked about replaced: what Bob is told about an object he
 * may not see must read the same as about one that does not exist. `$r` and `$d` are Bob's repository and distribution.
 */
async function refusal(client: GraphQLClient, query: string, id: string): Promise<unknown> {
  const { errors } = await client.request(query, { id, r: ids.bobs, d: ids.bobsDistribution });
  if (!errors?.length) throw new Error(`${query} was not refused`);
  return JSON.parse(JSON.stringify(errors.map(({ message, extensions }) => ({ message, extensions }))).replaceAll(id, '<id>'));
}

beforeAll(async () => {
  t = await startTestLarder();
  [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => makeUser(t.client, name)));
  // Only Alice may create objects: a role granted on every object would show Bob all of hers.
  await grant(t.client, 'CONTRIBUTOR', alice.id);

  const { createFileRemote } = await alice.client.data('mutation { createFileRemote(input: { name: "alices", url: "http://127.0.0.1:9/PULP_MANIFEST" }) { id } }');
  const { createRbacContentGuard } = await alice.client.data('mutation { createRbacContentGuard(input: { name: "alices" }) { id } }');
  const [{ repository: shared }, secret] = await Promise.all([repositoryWithAFile('shared', createFileRemote.id), repositoryWithAFile('secret')]);
  const distributed = await runTask(alice.client, 'mutation ($r: ID!, $g: ID!) { createFileDistribution(input: { name: "alices-downloads", basePath: "shared", repositoryId: $r, contentGuardId: $g }) { id } }',
    { r: shared, g: createRbacContentGuard.id });
  await runTask(alice.client, 'mutation { createFileDistribution(input: { name: "alices-private", basePath: "private" }) { id } }');
  const published = await runTask(alice.client, 'mutation ($r: ID!) { createFilePublication(repositoryId: $r) { id } }', { r: secret.repository });
  const publishing = await runTask(alice.client, 'mutation ($p: ID!) { createFileDistribution(input: { name: "alices-published", basePath: "published", publicationId: $p }) { id } }',
    { p: published.createdResources[0] });
  const { fileRepository, fileContent } = await alice.client.data(`query ($r: ID!, $c: ID!) {
    fileRepository(id: $r) { latestVersion { id } } fileContent(id: $c) { artifacts { artifact { id } } } }`, { r: secret.repository, c: secret.content });
  // Bob's own repository and distribution, made by an admin, who made him their owner.
  const { createFileRepository: bobs } = await t.client.data('mutation { createFileRepository(input: { name: "bobs" }) { id } }');
  const bobsDistribution = await runTask(t.client, 'mutation { createFileDistribution(input: { name: "bobs", basePath: "bobs" }) { id } }');
  await Promise.all([bobs.id, bobsDistribution.createdResources[0]!].map((id) => grant(t.client, 'OWNER', bob.id, id)));
  ids = {
    shared, remote: createFileRemote.id, distribution: distributed.createdResources[0]!, guard: createRbacContentGuard.id,
    secret: secret.repository, secretVersion: fileRepository.latestVersion.id, secretContent: secret.content,
    secretArtifact: fileContent.artifacts[0].artifact.id, publishing: publishing.createdResources[0]!, bobs: bobs.id, bobsDistribution: bobsDistribution.createdResources[0]!,
  };
  await grant(alice.client, 'VIEWER', bob.id, ids.shared);
  await grant(alice.client, 'VIEWER', bob.id, ids.distribution);
  await grant(alice.client, 'VIEWER', bob.id, ids.publishing);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('fields below an object Bob may see', () => {
  it('answer null for what it refers to that he may not see: the repository\'s remote, the distribution\'s content guard, publication', async () => {
    const { fileDistribution, fileRepository, publishing } = await bob.client.data(`query ($d: ID!, $r: ID!, $p: ID!) {
      publishing: fileDistribution(id: $p) { id publication { id repositoryVersion { id } } repository { id } }
      fileDistribution(id: $d) { repository { id remote { id } } contentGuard { id } }
      fileRepository(id: $r) { remote { id } latestVersion { content { totalCount } } versions { totalCount } } }`, { d: ids.distribution, r: ids.shared, p: ids.publishing });
    expect(publishing).toEqual({ id: ids.publishing, publication: null, repository: null });
    expect(fileDistribution).toEqual({ repository: { id: ids.shared, remote: null }, contentGuard: null });
    expect(fileRepository).toEqual({ remote: null, latestVersion: { content: { totalCount: 1 } }, versions: { totalCount: 2 } });
  });

  it('leave out of a task he may see what tells of objects he may not see: the remote a sync of the shared repository reserved, and its error\'s description (the remote\'s URL)', async () => {
    const sync = await runTask(alice.client, 'mutation ($id: ID!) { syncFileRepository(id: $id) { id } }', { id: ids.shared });
    const query = 'query ($id: ID!) { task(id: $id) { exclusiveResources sharedResources error { code description } } }';
    const { task: hers } = await alice.client.data(query, { id: sync.id });
    expect(hers).toMatchObject({ sharedResources: [`remote:${ids.remote}`], error: { code: 'CONNECTION_FAILED' } });
    expect(hers.error.description).toContain('127.0.0.1:9');
    const { task: seen } = await bob.client.data(query, { id: sync.id });
    expect(seen).toMatchObject({ exclusiveResources: [`repository:${ids.shared}`], sharedResources: [], error: { code: 'CONNECTION_FAILED' } });
    expect(seen.error.description).not.toContain('127.0.0.1:9');
  });

  it('leave out of a task he follows live what a revoked role showed him, within the period a stream keeps roles', async () => {
    const { createFileRemote: watched } = await alice.client.data('mutation { createFileRemote(input: { name: "watched", url: "http://127.0.0.1:9/PULP_MANIFEST" }) { id } }');
    const role = { role: 'VIEWER', userId: bob.id, objectId: watched.id };
    await alice.client.data(GRANT, { input: role });
    const resources = [`repository:${ids.shared}`, `remote:${watched.id}`];
    const task = await dispatchTestTask(alice.client, { sleepMs: 3_600_000, exclusive: resources });

    const seen: string[][] = [];
    let first!: () => void;
    const subscribed = new Promise<void>((resolve) => (first = resolve));
    const followed = (async () => {
      for await (const { data, errors } of bob.client.subscription<{ taskUpdated: { exclusiveResources: string[] } }>(
        'subscription ($id: ID!) { taskUpdated(id: $id) { exclusiveResources } }', { id: task.id })) {
        expect(errors).toBeUndefined();
        seen.push(data!.taskUpdated.exclusiveResources);
        first();
      }
    })();
    await subscribed;
    await alice.client.data('mutation ($input: RoleAssignmentInput!) { revokeRole(input: $input) }', { input: role });
    // Nothing announces that the stream re-read its roles: wait out the period it may keep them.
    await new Promise((resolve) => setTimeout(resolve, ROLES_REFRESH_MS + 500));
    await alice.client.data('mutation ($id: ID!) { cancelTask(id: $id) { id } }', { id: task.id });
    await followed;

    expect(seen[0]).toEqual(resources);
    expect(seen.at(-1)).toEqual([`repository:${ids.shared}`]);
  });

  it('list only the child tasks he may see of a task he may see', async () => {
    const parent = await alicesTask([`repository:${ids.shared}`], ', children: 1');
    const { task } = await alice.client.data('query ($id: ID!) { task(id: $id) { childTasks { id } } }', { id: parent });
    const [child] = task.childTasks as Array<{ id: string }>;
    const seen = await bob.client.data('query ($p: ID!, $c: ID!) { parent: task(id: $p) { id childTasks { id } } child: task(id: $c) { id } }', { p: parent, c: child!.id });
    expect(seen).toEqual({ parent: { id: parent, childTasks: [] }, child: null });
  });

  it('count only the tasks of a task group he may see', async () => {
    const { createTestTaskGroup: group } = await alice.client.data('mutation { createTestTaskGroup(description: "both repositories") { id } }');
    for (const repository of [ids.shared, ids.secret]) {
      await alicesTask([`repository:${repository}`], `, taskGroupId: "${group.id}"`);
    }
    const { taskGroup } = await bob.client.data('query ($id: ID!) { taskGroup(id: $id) { tasks { totalCount } counts { completed } } }', { id: group.id });
    expect(taskGroup).toEqual({ tasks: { totalCount: 1 }, counts: { completed: 1 } });
  });
});

describe('who is who', () => {
  it('shows Bob his own group memberships only: neither who else is in his groups nor which groups the dispatcher of a task he sees is in', async () => {
    const { createGroup: group } = await t.client.data('mutation { createGroup(input: { name: "ops" }) { id } }');
    for (const user of [alice, bob]) {
      await t.client.data('mutation ($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { id } }', { g: group.id, u: user.id });
    }
    const task = await alicesTask([`repository:${ids.shared}`]);
    const query = 'query ($t: ID!) { me { groups { name users { username } } } task(id: $t) { user { username groups { name } } } }';
    expect(await bob.client.data(query, { t: task })).toEqual({
      me: { groups: [{ name: 'ops', users: [{ username: 'bob' }] }] },
      task: { user: { username: 'alice', groups: [] } },
    });
    const { me } = await alice.client.data(query, { t: task });
    expect(me).toEqual({ groups: [{ name: 'ops', users: [{ username: 'alice' }] }] });
    const { group: asAdmin } = await t.client.data('query ($g: ID!) { group(id: $g) { users { username } } }', { g: group.id });
    expect(asAdmin.users).toEqual([{ username: 'alice' }, { username: 'bob' }]);
  });
});

describe('when someone last signed in', () => {
  it('is shown to themselves and admins, not to whoever sees a task they dispatched', async () => {
    const task = await alicesTask([`repository:${ids.shared}`]);
    const query = 'query ($t: ID!) { me { lastLoginAt } task(id: $t) { user { username lastLoginAt } } }';
    const seen = await bob.client.data(query, { t: task });
    expect(seen.me.lastLoginAt).not.toBeNull();
    expect(seen.task.user).toEqual({ username: 'alice', lastLoginAt: null });
    const { task: asAdmin } = await t.client.data(query, { t: task });
    expect(asAdmin.user.lastLoginAt).not.toBeNull();
  });
});

describe('refusals about objects Bob may not see', () => {
  const nobody = randomUUID();
  const cases: Array<[string, string, () => string]> = [
    ['deleteRepositoryVersion of her version', 'mutation ($id: ID!) { deleteRepositoryVersion(id: $id) { id } }', () => ids.secretVersion],
    ['createFilePublication of her version', 'mutation ($id: ID!) { createFilePublication(repositoryVersionId: $id) { id } }', () => ids.secretVersion],
    ['createFilePublication of her repository', 'mutation ($id: ID!) { createFilePublication(repositoryId: $id) { id } }', () => ids.secret],
    ['grantRole on her repository', `mutation ($id: ID!) { grantRole(input: { role: VIEWER, userId: "${randomUUID()}", objectId: $id }) { id } }`, () => ids.secret],
    ['roleAssignments of her repository', 'query ($id: ID!) { roleAssignments(objectId: $id) { id } }', () => ids.secret],
    ['signedContentUrl of a distribution he may not see', 'query ($id: ID!) { signedContentUrl(distributionId: $id, path: "a", expiresInSeconds: 60) }', () => ids.secret],
    ['syncFileRepository of her repository', 'mutation ($id: ID!) { syncFileRepository(id: $id) { id } }', () => ids.secret],
    ['modifyFileRepository of her repository', 'mutation ($id: ID!) { modifyFileRepository(id: $id, removeContent: ["*"]) { id } }', () => ids.secret],
    ['updateFileDistribution of his to serve her repository', 'mutation ($id: ID!, $d: ID!) { updateFileDistribution(id: $d, input: { repositoryId: $id }) { id } }', () => ids.secret],
    ['updateFileDistribution of his to be guarded by her guard', 'mutation ($id: ID!, $d: ID!) { updateFileDistribution(id: $d, input: { contentGuardId: $id }) { id } }', () => ids.guard],
    ['updateFileRepository of his to sync from her remote', 'mutation ($id: ID!, $r: ID!) { updateFileRepository(id: $r, input: { remoteId: $id }) { id } }', () => ids.remote],
    ['syncFileRepository of his from her remote', 'mutation ($id: ID!, $r: ID!) { syncFileRepository(id: $r, remoteId: $id) { id } }', () => ids.remote],
    ['modifyFileRepository of his adding her content', 'mutation ($id: ID!, $r: ID!) { modifyFileRepository(id: $r, addContent: [$id]) { id } }', () => ids.secretContent],
    ['createFileContent of her artifact', 'mutation ($id: ID!) { createFileContent(relativePath: "x", artifactId: $id) { id } }', () => ids.secretArtifact],
  ];
  for (const [name, query, id] of cases) {
    it(`read the same as about nothing at all: ${name}`, async () => {
      const [invisible, absent] = [await refusal(bob.client, query, id()), await refusal(bob.client, query, nobody)];
      expect(invisible).toEqual(absent);
      expect(JSON.stringify(invisible)).not.toMatch(new RegExp(Object.values(ids).join('|')));
    });
  }

  it('do not name the repository\'s remote to a contributor who may not see it', async () => {
    await grant(alice.client, 'CONTRIBUTOR', bob.id, ids.shared);
    const { errors } = await bob.client.request('mutation ($id: ID!) { syncFileRepository(id: $id) { id } }', { id: ids.shared });
    expect(errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(errors)).not.toContain(ids.remote);
  });

  it('do not name a task of his task group that he may not see', async () => {
    const { createTestTaskGroup: group } = await bob.client.data('mutation { createTestTaskGroup(description: "his") { id } }');
    const dispatch = 'mutation ($g: ID!, $r: [String!]) { dispatchTestTask(sleepMs: 60000, taskGroupId: $g, exclusiveResources: $r) { id } }';
    const { dispatchTestTask: his } = await bob.client.data(dispatch, { g: group.id, r: [] });
    const { dispatchTestTask: hers } = await alice.client.data(dispatch, { g: group.id, r: [`repository:${ids.secret}`] });
    const { errors } = await bob.client.request('mutation ($id: ID!) { cancelTaskGroup(id: $id) { id } }', { id: group.id });
    await alice.client.data('mutation ($id: ID!) { cancelTask(id: $id) { id } }', { id: hers.id });
    await bob.client.data('mutation ($id: ID!) { cancelTask(id: $id) { id } }', { id: his.id });
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(errors)).not.toContain(hers.id);
  });

  it('do not name a distribution whose base path his would nest with', async () => {
    const nested = await runTask(bob.client, 'mutation ($d: ID!) { updateFileDistribution(id: $d, input: { basePath: "private/bob" }) { id } }', { d: ids.bobsDistribution });
    expect(nested.error?.code).toBe('CONFLICT');
    expect(nested.error?.description).toContain('"private"');
    expect(nested.error?.description).not.toContain('alices-private');
  });

  it('answer myPermissions with nothing, as for an object that does not exist', async () => {
    const { mine, none } = await bob.client.data('query ($s: ID!, $n: ID!) { mine: myPermissions(objectId: $s) none: myPermissions(objectId: $n) }', { s: ids.secret, n: randomUUID() });
    expect({ mine, none }).toEqual({ mine: [], none: [] });
  });
});
