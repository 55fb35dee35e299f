import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFile, runTask } from './support/content.js';
import { FileRepositorySteps } from './support/file-repository.js';
import { basic, type GraphQLClient } from './support/graphql-client.js';
import { grantRole, makeUser, type TestUser } from './support/identities.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { until } from './support/wait.js';

let t: TestLarder;
let steps: FileRepositorySteps;
let repository: string;
/** Holds the viewer role on the distributions it is granted on, nothing else. */
let viewer: TestUser;
/** Holds no role at all. */
let stranger: TestUser;
/** Holds `contributor` globally: may create guards (and sees everything). */
let contributor: TestUser;

interface Served {
  id: string;
  baseUrl: string;
}

async function createGuard(client: GraphQLClient, type: 'Rbac' | 'Header' | 'SignedUrl', input: Record<string, unknown>): Promise<string> {
  const data = await client.data(
    `mutation ($input: Create${type}ContentGuardInput!) { guard: create${type}ContentGuard(input: $input) { id } }`, { input });
  return data.guard.id;
}

/** A file distribution of the test's repository under `basePath`, guarded by `guardId`. */
async function distribute(basePath: string, guardId: string | null): Promise<Served> {
  const task = await runTask(t.client, `mutation ($input: CreateFileDistributionInput!) { createFileDistribution(input: $input) { id } }`,
    { input: { name: basePath, basePath, repositoryId: repository, contentGuardId: guardId } });
  expect(task.error).toBeNull();
  const id = task.createdResources[0]!;
  const { fileDistribution } = await t.client.data(`query ($id: ID!) { fileDistribution(id: $id) { baseUrl } }`, { id });
  return { id, baseUrl: fileDistribution.baseUrl };
}

async function setGuard(client: GraphQLClient, distributionId: string, guardId: string | null) {
  return runTask(client, `mutation ($id: ID!, $input: UpdateFileDistributionInput!) { updateFileDistribution(id: $id, input: $input) { id } }`,
    { id: distributionId, input: { contentGuardId: guardId } });
}

const grant = (user: TestUser, role: 'VIEWER' | 'CONTRIBUTOR' | 'OWNER', objectId?: string) => grantRole(t.client, user, role, objectId);

async function download(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

async function signedUrl(client: GraphQLClient, distributionId: string, path: string, expiresInSeconds: number): Promise<string> {
  const { signedContentUrl } = await client.data(
    'query ($d: ID!, $p: String!, $s: Int!) { signedContentUrl(distributionId: $d, path: $p, expiresInSeconds: $s) }',
    { d: distributionId, p: path, s: expiresInSeconds });
  return signedContentUrl;
}

beforeAll(async () => {
  t = await startTestLarder();
  steps = new FileRepositorySteps(t.client);
  repository = await steps.repository('guarded', { autopublish: true });
  await createFile(t.client, 'index.html', '<h1>guarded</h1>', repository);
  await createFile(t.client, 'data/notes.txt', 'notes', repository);
  [viewer, stranger, contributor] = await Promise.all([makeUser(t.client, 'vera'), makeUser(t.client, 'stan'), makeUser(t.client, 'cora')]);
  await grant(contributor, 'CONTRIBUTOR');
});
afterAll(async () => {
  await t?.stop();
});

describe('an RBAC-guarded distribution', () => {
  let served: Served;
  let guard: string;

  beforeAll(async () => {
    guard = await createGuard(t.client, 'Rbac', { name: 'members only' });
    served = await distribute('rbac', guard);
    await grant(viewer, 'VIEWER', served.id);
  });

  it('refuses an anonymous download with 401 and a challenge, alike for a path that exists and one that does not', async () => {
    const present = await download(`${served.baseUrl}index.html`);
    const absent = await download(`${served.baseUrl}no/such/file.txt`);
    expect(present.status).toBe(401);
    expect(present.headers.get('www-authenticate')).toMatch(/^Bearer realm="larder", Basic/);
    expect(JSON.parse(present.body)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(absent.status).toBe(present.status);
    expect(absent.body).toBe(present.body);
    expect(absent.headers.get('content-type')).toBe(present.headers.get('content-type'));
    expect(present.headers.get('cache-control')).toBe('private');
  });

  it('refuses a token that is not one with 401', async () => {
    const refused = await download(`${served.baseUrl}index.html`, { authorization: 'Bearer larder_not-a-token' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).not.toBeNull();
  });

  it('serves a viewer of the distribution, by token or password, privately', async () => {
    const byToken = await download(`${served.baseUrl}index.html`, viewer.client.headers);
    expect(byToken).toMatchObject({ status: 200, body: '<h1>guarded</h1>' });
    expect(byToken.headers.get('cache-control')).toBe('private');
    expect((await download(`${served.baseUrl}data/notes.txt`, { authorization: basic(viewer.username, viewer.password) })).body).toBe('notes');
    expect((await download(`${served.baseUrl}no/such/file.txt`, viewer.client.headers)).status).toBe(404);
    expect((await download(`${served.baseUrl}index.html`, t.client.headers)).status).toBe(200);
  });

  it('refuses a signed-in user without a role with 403, alike for a path that exists and one that does not', async () => {
    const present = await download(`${served.baseUrl}index.html`, stranger.client.headers);
    const absent = await download(`${served.baseUrl}no/such/file.txt`, stranger.client.headers);
    expect(present.status).toBe(403);
    expect(JSON.parse(present.body)).toMatchObject({ code: 'FORBIDDEN' });
    expect(absent).toMatchObject({ status: 403, body: present.body });
  });

  it('serves a viewer of the guard itself', async () => {
    const guardViewer = await makeUser(t.client, 'gus');
    expect((await download(`${served.baseUrl}index.html`, guardViewer.client.headers)).status).toBe(403);
    await grant(guardViewer, 'VIEWER', guard);
    expect((await download(`${served.baseUrl}index.html`, guardViewer.client.headers)).status).toBe(200);
  });

  it('guards what a plugin content handler answers too: an npm packument', async () => {
    const { createNpmRepository } = await t.client.data('mutation { createNpmRepository(input: { name: "guarded-npm" }) { id } }');
    const task = await runTask(t.client, `mutation ($input: CreateNpmDistributionInput!) { createNpmDistribution(input: $input) { id } }`,
      { input: { name: 'guarded-npm', basePath: 'npm/guarded', repositoryId: createNpmRepository.id, contentGuardId: guard } });
    expect(task.error).toBeNull();
    const packument = `${t.client.url}/content/npm/guarded/left-pad`;
    expect((await download(packument)).status).toBe(401);
    expect((await download(packument, t.client.headers)).status).toBe(404);
  });

  it('shows its guard to whoever may see the guard', async () => {
    const query = 'query ($id: ID!) { distribution(id: $id) { contentGuard { __typename id name } } }';
    expect((await t.client.data(query, { id: served.id })).distribution.contentGuard)
      .toEqual({ __typename: 'RbacContentGuard', id: guard, name: 'members only' });
    expect((await viewer.client.data(query, { id: served.id })).distribution.contentGuard).toBeNull();
  });
});

describe('a header-guarded distribution', () => {
  let served: Served;
  let guard: string;

  beforeAll(async () => {
    guard = await createGuard(t.client, 'Header', { name: 'cdn', headerName: 'X-CDN-Secret', headerValue: 'open sesame' });
    served = await distribute('header', guard);
  });

  it('serves a request with the header value, and refuses one without it or with another, alike for every path', async () => {
    const right = { 'x-cdn-secret': 'open sesame' };
    expect(await download(`${served.baseUrl}index.html`, right)).toMatchObject({ status: 200, body: '<h1>guarded</h1>' });
    expect((await download(`${served.baseUrl}no/such/file.txt`, right)).status).toBe(404);
    const none = await download(`${served.baseUrl}index.html`);
    expect(none.status).toBe(403);
    expect(none.headers.get('cache-control')).toBe('private');
    for (const [path, headers] of [
      ['index.html', { 'x-cdn-secret': 'open sesame!' }], ['index.html', { 'x-cdn-secret': 'open' }],
      ['no/such/file.txt', {}], ['no/such/file.txt', { 'x-cdn-secret': 'wrong' }], ['index.html', t.client.headers],
    ] as const) {
      expect(await download(`${served.baseUrl}${path}`, headers)).toMatchObject({ status: 403, body: none.body });
    }
  });

  it('asks for the new value once the update of the guard has ended', async () => {
    const task = await runTask(t.client, 'mutation ($id: ID!) { updateHeaderContentGuard(id: $id, input: { headerValue: "new sesame" }) { id } }', { id: guard });
    expect(task.error).toBeNull();
    expect((await download(`${served.baseUrl}index.html`, { 'x-cdn-secret': 'open sesame' })).status).toBe(403);
    expect((await download(`${served.baseUrl}index.html`, { 'x-cdn-secret': 'new sesame' })).status).toBe(200);
  });
});

describe('a distribution guarded by signed URLs', () => {
  let served: Served;

  beforeAll(async () => {
    const guard = await createGuard(t.client, 'SignedUrl', { name: 'links' });
    served = await distribute('signed', guard);
    await grant(viewer, 'VIEWER', served.id);
  });

  it('serves a signed URL without credentials until it expires', async () => {
    const url = await signedUrl(viewer.client, served.id, 'data/notes.txt', 3);
    expect(url).toMatch(new RegExp(`^${served.baseUrl}data/notes\\.txt\\?expires=\\d+&signature=[\\w-]+$`));
    const first = await download(url);
    expect(first).toMatchObject({ status: 200, body: 'notes' });
    expect(first.headers.get('cache-control')).toBe('private');
    const expires = Number(new URL(url).searchParams.get('expires'));
    await until('the signed URL to expire', async () => Date.now() / 1000 >= expires, 10_000);
    expect((await download(url)).status).toBe(403);
  });

  it('refuses a signed URL whose path or expiry was changed, or that has no signature', async () => {
    const url = new URL(await signedUrl(t.client, served.id, 'data/notes.txt', 600));
    const refused = await download(`${served.baseUrl}index.html`);
    expect(refused.status).toBe(403);
    const otherPath = new URL(url);
    otherPath.pathname = otherPath.pathname.replace('data/notes.txt', 'index.html');
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
    const padded = new URL(url);
    padded.searchParams.set('expires', `0${url.searchParams.get('expires')}`);
    const unsigned = new URL(url);
    unsigned.searchParams.delete('signature');
    for (const changed of [otherPath, later, padded, unsigned]) {
      expect(await download(changed.href), changed.href).toMatchObject({ status: 403, body: refused.body });
    }
    expect((await download(url.href)).status).toBe(200);
  });

  it('signs a directory listing, following its redirect with the signature', async () => {
    const listing = await download(await signedUrl(t.client, served.id, 'data/', 600));
    expect(listing.status).toBe(200);
    expect(listing.body).toContain('href="notes.txt"');
    expect((await download(await signedUrl(t.client, served.id, 'data', 600))).status).toBe(200);
  });

  it('signs only for viewers of the distribution, and only where a SignedUrlContentGuard guards it', async () => {
    const ask = (client: GraphQLClient, distributionId: string, path = 'index.html') => client.errorCode(
      'query ($d: ID!, $p: String!) { signedContentUrl(distributionId: $d, path: $p, expiresInSeconds: 60) }', { d: distributionId, p: path });
    expect(await ask(t.client.as(null), served.id)).toBe('UNAUTHENTICATED');
    expect(await ask(stranger.client, served.id)).toBe('NOT_FOUND');
    expect(await ask(t.client, served.id, '../etc/passwd')).toBe('BAD_USER_INPUT');
    const open = await distribute('unsigned', null);
    expect(await ask(t.client, open.id)).toBe('BAD_USER_INPUT');
  });
});

describe('detaching a guard', () => {
  it('opens the distribution again once the update has ended', async () => {
    const guard = await createGuard(t.client, 'Rbac', { name: 'detached later' });
    const served = await distribute('detached', guard);
    expect((await download(`${served.baseUrl}index.html`)).status).toBe(401);
    expect((await setGuard(t.client, served.id, null)).error).toBeNull();
    const open = await download(`${served.baseUrl}index.html`);
    expect(open).toMatchObject({ status: 200, body: '<h1>guarded</h1>' });
    expect(open.headers.get('cache-control')).toBeNull();
  });
});

describe('content guards through GraphQL', () => {
  it('a contributor creates, lists, changes and deletes guards; they own what they create', async () => {
    const id = await createGuard(contributor.client, 'Header', { name: 'cora-cdn', headerName: 'x-token', headerValue: 'v1', labels: { team: 'web' } });
    const signed = await createGuard(contributor.client, 'SignedUrl', { name: 'cora-links' });
    expect(await contributor.client.data('query ($id: ID!) { myPermissions(objectId: $id) }', { id }))
      .toEqual({ myPermissions: expect.arrayContaining(['update', 'delete', 'manage_roles']) });

    const { contentGuards } = await contributor.client.data(
      '{ contentGuards(filter: { name: { in: ["cora-cdn", "cora-links"] } }, orderBy: [{ field: NAME }]) { totalCount nodes { __typename name type } } }');
    expect(contentGuards).toEqual({ totalCount: 2, nodes: [
      { __typename: 'HeaderContentGuard', name: 'cora-cdn', type: 'core.header' },
      { __typename: 'SignedUrlContentGuard', name: 'cora-links', type: 'core.signed_url' },
    ] });

    const update = await runTask(contributor.client,
      'mutation ($id: ID!) { updateHeaderContentGuard(id: $id, input: { headerValue: "v2", description: "rotated" }) { id } }', { id });
    expect(update.error).toBeNull();
    expect((await contributor.client.data('query ($id: ID!) { headerContentGuard(id: $id) { headerName headerValue description labels } }', { id }))
      .headerContentGuard).toEqual({ headerName: 'x-token', headerValue: 'v2', description: 'rotated', labels: { team: 'web' } });

    expect((await runTask(contributor.client, 'mutation ($id: ID!) { deleteSignedUrlContentGuard(id: $id) { id } }', { id: signed })).error).toBeNull();
    expect((await contributor.client.data('query ($id: ID!) { contentGuard(id: $id) { id } }', { id: signed })).contentGuard).toBeNull();
  });

  it('refuses a second guard of the same name, whatever its type, and bad header settings', async () => {
    await createGuard(contributor.client, 'Rbac', { name: 'unique-name' });
    const create = (type: string, input: Record<string, unknown>) => contributor.client.errorCode(
      `mutation ($input: Create${type}ContentGuardInput!) { create${type}ContentGuard(input: $input) { id } }`, { input });
    expect(await create('SignedUrl', { name: 'unique-name' })).toBe('CONFLICT');
    expect(await create('Header', { name: 'bad-header', headerName: 'x bad', headerValue: 'v' })).toBe('BAD_USER_INPUT');
    expect(await create('Header', { name: 'bad-value', headerName: 'x-ok', headerValue: ' padded ' })).toBe('BAD_USER_INPUT');
  });

  it('never shows a signing key', async () => {
    const { __type } = await t.client.data('{ __type(name: "SignedUrlContentGuard") { fields { name } } }');
    expect(__type.fields.map((f: { name: string }) => f.name).sort()).toEqual(['createdAt', 'description', 'id', 'labels', 'name', 'type', 'updatedAt']);
  });

  it('lets only contributors create guards, only owners change them, and hides them from whoever holds no role on them', async () => {
    expect(await stranger.client.errorCode('mutation { createRbacContentGuard(input: { name: "stan" }) { id } }')).toBe('FORBIDDEN');
    const guard = await createGuard(t.client, 'Rbac', { name: 'admins-guard' });
    expect((await stranger.client.data('query ($id: ID!) { contentGuard(id: $id) { id } }', { id: guard })).contentGuard).toBeNull();
    expect((await stranger.client.data('{ contentGuards { totalCount } }')).contentGuards.totalCount).toBe(0);
    expect(await stranger.client.errorCode('mutation ($id: ID!) { deleteRbacContentGuard(id: $id) { id } }', { id: guard })).toBe('NOT_FOUND');
    await grant(stranger, 'VIEWER', guard);
    expect(await stranger.client.errorCode('mutation ($id: ID!) { deleteRbacContentGuard(id: $id) { id } }', { id: guard })).toBe('FORBIDDEN');
  });

  it('refuses to attach a guard the distribution\'s owner may not see (NOT_FOUND)', async () => {
    const hidden = await createGuard(t.client, 'Rbac', { name: 'hidden' });
    const served = await distribute('owned', null);
    const owner = await makeUser(t.client, 'olga');
    await grant(owner, 'OWNER', served.id);
    expect(await owner.client.errorCode(
      'mutation ($id: ID!, $guard: ID!) { updateFileDistribution(id: $id, input: { contentGuardId: $guard }) { id } }',
      { id: served.id, guard: hidden })).toBe('NOT_FOUND');
    await grant(owner, 'VIEWER', hidden);
    expect((await setGuard(owner.client, served.id, hidden)).error).toBeNull();
    expect((await download(`${served.baseUrl}index.html`)).status).toBe(401);
  });
});
