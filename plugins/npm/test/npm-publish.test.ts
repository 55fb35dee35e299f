import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantRole, makeUser, runTask, startTestLarder, storedCounts, type TestLarder, type TestUser } from '../../../test/plugin-testing.js';
import type { Packument } from '../registry/packument.js';
import { NpmCli } from './support/npm-cli.js';
import { NpmSteps } from './support/npm-steps.js';
import { publishDocument } from './support/publish-document.js';
import { packTarball } from './support/tarball.js';

let t: TestLarder;
let npm: NpmCli;
let steps: NpmSteps;
let repo: string;
let registry: string;
let publishTo: string;
/** A contributor of the repository, a viewer of it, and a user with no role. */
let publisher: TestUser;
let viewer: TestUser;
let stranger: TestUser;

const grant = (role: string, user: TestUser, objectId: string) => grantRole(t.client, user, role, objectId);

beforeAll(async () => {
  t = await startTestLarder();
  npm = new NpmCli();
  steps = new NpmSteps(t.client);
  repo = await steps.repository('hosted');
  registry = await steps.distribute('hosted', 'npm/hosted', repo);
  publishTo = `${t.client.url}/npm/npm/hosted/`;
  [publisher, viewer, stranger] = await Promise.all(['publisher', 'viewer', 'stranger'].map((name) => makeUser(t.client, name)));
  await grant('CONTRIBUTOR', publisher, repo);
  await grant('VIEWER', viewer, repo);
});
afterAll(async () => {
  await t?.stop();
  npm?.remove();
});

/** A package directory as its author has it, ready for `npm publish`. */
function packageDir(name: string, version: string): string {
  return npm.project(`${name.replace('/', '+')}-${version}`, {
    'package.json': JSON.stringify({ name, version, main: 'index.js', license: 'MIT' }),
    'index.js': `module.exports = ${JSON.stringify(`${name} ${version}`)};\n`,
  });
}

/** The JSON error body of a refused request. */
const refusal = async (res: Response) => (await res.json()) as { error: string; code: string };

const put = (url: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${publisher.token}` }) =>
  fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('npm publish into a repository', () => {
  it('publishes, as a contributor of the repository, a freshly packed package that npm then installs from the distribution', async () => {
    npm.authenticate(publishTo, publisher.token);
    const published = await npm.run(packageDir('@team/hello', '1.0.0'), ['publish', '--registry', publishTo]);
    expect(published.stderr).not.toMatch(/ERR!|error/);
    expect(published.code).toBe(0);
    expect(await steps.content(repo)).toEqual({ number: 1, packages: ['@team/hello@1.0.0'], tags: ['@team/hello:latest=1.0.0'] });
    const { tasks } = await t.client.data(`{ tasks(filter: { name: { eq: "npm.publish" } }) { nodes { state user { username } } } }`);
    expect(tasks.nodes).toEqual([{ state: 'COMPLETED', user: { username: 'publisher' } }]);

    const project = npm.project('consumer', { 'package.json': JSON.stringify({ name: 'consumer', version: '0.0.0', private: true }) });
    const install = await npm.run(project, ['install', '--registry', registry, '@team/hello']);
    expect(install.code).toBe(0);
    expect(npm.installed(project, '@team/hello')).toBe('1.0.0');
  });

  it('refuses to publish a version again (409), whether npm notices first or Larder does, and stores nothing', async () => {
    const before = await storedCounts(t.client);
    const again = await npm.run(packageDir('@team/hello', '1.0.0'), ['publish', '--registry', publishTo]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('cannot publish over the previously published versions: 1.0.0');
    const forced = await npm.run(packageDir('@team/hello', '1.0.0'), ['publish', '--force', '--registry', publishTo]);
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toMatch(/E409|409 Conflict/);
    expect(forced.stderr).toContain('is published already in repository hosted');
    expect(await storedCounts(t.client)).toEqual(before);
    expect((await steps.content(repo)).number).toBe(1);
  });

  it('takes one of two publishes of one version queued on the repository; the other task fails and answers 409', async () => {
    const { dispatchTestTask: holder } = await t.client.data(
      `mutation ($r: [String!]) { dispatchTestTask(sleepMs: 600000, exclusiveResources: $r) { id } }`, { r: [`repository:${repo}`] },
    );
    const queued = t.client.subscription<{ taskEvents: { id: string; state: string } }>(
      `subscription { taskEvents(filter: { name: { eq: "npm.publish" }, state: { eq: WAITING } }) { id state } }`, {},
    );
    // A later subscription on the same connection answers only once the one above listens.
    const later = t.client.subscription(`subscription ($id: ID!) { taskUpdated(id: $id) { id } }`, { id: holder.id });
    await later.next();
    await later.return?.();
    const tarball = packTarball({ 'package.json': '{"name":"racer","version":"1.0.0"}' });
    const answers = [1, 2].map(() => put(`${publishTo}racer`, publishDocument('racer', '1.0.0', tarball)));
    for (let waiting = 0; waiting < 2;) if ((await queued.next()).value?.data?.taskEvents) waiting++;
    await queued.return?.();
    await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { id } }`, { id: holder.id });

    const statuses = await Promise.all(answers.map(async (answer) => (await answer).status));
    expect(statuses.sort()).toEqual([201, 409]);
    const { tasks } = await t.client.data(`{ tasks(filter: { name: { eq: "npm.publish" }, state: { eq: FAILED } }) { nodes { error { code } } } }`);
    expect(tasks.nodes).toEqual([{ error: { code: 'CONFLICT' } }]);
    expect((await steps.content(repo)).packages.filter((p) => p.startsWith('racer@'))).toEqual(['racer@1.0.0']);
  });

  it('moves latest to a newer version', async () => {
    expect((await npm.run(packageDir('@team/hello', '1.1.0'), ['publish', '--registry', publishTo])).code).toBe(0);
    const packument = (await (await fetch(`${registry}@team%2fhello`)).json()) as Packument;
    expect(packument['dist-tags']).toEqual({ latest: '1.1.0' });
    expect(Object.keys(packument.versions)).toEqual(['1.0.0', '1.1.0']);
  });

  it('lets npm revalidate a packument by its ETag, and gives a new one once a version is added', async () => {
    expect((await npm.run(packageDir('revalidated', '1.0.0'), ['publish', '--registry', publishTo])).code).toBe(0);
    const url = `${registry}revalidated`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(Object.keys(((await first.json()) as Packument).versions)).toEqual(['1.0.0']);
    const current = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(current.status).toBe(304);
    expect(await current.text()).toBe('');
    const abbreviated = await fetch(url, { headers: { accept: 'application/vnd.npm.install-v1+json', 'if-none-match': etag } });
    expect(abbreviated.status).toBe(200);
    expect(abbreviated.headers.get('etag')).not.toBe(etag);

    expect((await npm.run(packageDir('revalidated', '1.1.0'), ['publish', '--registry', publishTo])).code).toBe(0);
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(Object.keys(((await changed.json()) as Packument).versions)).toEqual(['1.0.0', '1.1.0']);
  });
});

describe('refused publishes store nothing', () => {
  it('refuses npm without a token for the registry (npm itself) and with an unknown one (401)', async () => {
    const before = await storedCounts(t.client);
    npm.authenticate(`${t.client.url}/npm/elsewhere/`, publisher.token);
    const anonymous = await npm.run(packageDir('anonymous', '1.0.0'), ['publish', '--registry', publishTo]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toContain('ENEEDAUTH');
    npm.authenticate(publishTo, 'larder_not-a-token-of-anyone');
    const wrong = await npm.run(packageDir('anonymous', '1.0.0'), ['publish', '--registry', publishTo]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/E401/);
    npm.authenticate(publishTo, publisher.token);

    const tarball = packTarball({ 'package.json': '{"name":"raw","version":"1.0.0"}' });
    const bare = await put(`${publishTo}raw`, publishDocument('raw', '1.0.0', tarball), {});
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await storedCounts(t.client)).toEqual(before);
  });

  it('refuses users without the contributor role on the repository, a viewer of it too (403)', async () => {
    const before = await storedCounts(t.client);
    for (const user of [stranger, viewer]) {
      npm.authenticate(publishTo, user.token);
      const refused = await npm.run(packageDir('unwelcome', '1.0.0'), ['publish', '--registry', publishTo]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/E403/);
      expect(refused.stderr).toContain(`${user.username} may not publish to npm/hosted`);
    }
    npm.authenticate(publishTo, publisher.token);
    expect(await storedCounts(t.client)).toEqual(before);
    expect((await steps.content(repo)).packages).not.toContain('unwelcome@1.0.0');
  });

  it('refuses a tarball that does not match its integrity or shasum (400)', async () => {
    const before = await storedCounts(t.client);
    const tarball = packTarball({ 'package.json': '{"name":"liar","version":"1.0.0"}' });
    const other = packTarball({ 'package.json': '{"name":"liar","version":"1.0.1"}' });
    const lyingIntegrity = publishDocument('liar', '1.0.0', other);
    (lyingIntegrity._attachments as Record<string, { data: string; length: number }>)['liar-1.0.0.tgz'] = { data: tarball.toString('base64'), length: tarball.length };
    const mismatch = await put(`${publishTo}liar`, lyingIntegrity);
    expect(mismatch.status).toBe(400);
    expect((await refusal(mismatch)).code).toBe('DIGEST_MISMATCH');
    const lyingShasum = await put(`${publishTo}liar`, publishDocument('liar', '1.0.0', tarball, { shasum: '0'.repeat(40) }));
    expect(lyingShasum.status).toBe(400);
    expect(await storedCounts(t.client)).toEqual(before);
  });

  it('refuses a distribution without a repository (409) and a base path without a distribution (404)', async () => {
    const empty = await runTask(t.client, `mutation { createNpmDistribution(input: { name: "empty", basePath: "npm/empty" }) { id } }`);
    expect(empty.state).toBe('COMPLETED');
    const tarball = packTarball({ 'package.json': '{"name":"nowhere","version":"1.0.0"}' });
    const document = publishDocument('nowhere', '1.0.0', tarball);
    const before = await storedCounts(t.client);
    const unserved = await put(`${t.client.url}/npm/npm/empty/nowhere`, document);
    expect(unserved.status).toBe(409);
    expect((await refusal(unserved)).error).toContain('serves no repository');
    expect((await put(`${t.client.url}/npm/npm/none/nowhere`, document)).status).toBe(404);
    expect(await storedCounts(t.client)).toEqual(before);
  });
});
