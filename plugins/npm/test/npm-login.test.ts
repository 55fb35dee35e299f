import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantRole, makeUser, startTestLarder, type TestLarder, type TestUser } from '../../../test/plugin-testing.js';
import { NpmCli } from './support/npm-cli.js';
import { NpmSteps } from './support/npm-steps.js';

let t: TestLarder;
let npm: NpmCli;
let alice: TestUser;
let repo: string;
/** The URL npm installs from, and the one it publishes to. */
let installFrom: string;
let publishTo: string;

beforeAll(async () => {
  t = await startTestLarder();
  npm = new NpmCli();
  const steps = new NpmSteps(t.client);
  repo = await steps.repository('team');
  installFrom = await steps.distribute('team', 'npm/team', repo);
  publishTo = `${t.client.url}/npm/npm/team/`;
  alice = await makeUser(t.client, 'alice');
  await grantRole(t.client, alice, 'CONTRIBUTOR', repo);
});
afterAll(async () => {
  await t?.stop();
  npm?.remove();
});

/** The `_authToken` npm saved for a registry URL, or undefined. */
function savedToken(registry: string): string | undefined {
  const key = `${registry.replace(/^https?:/, '')}:_authToken=`;
  return npm.userConfig().split('\n').find((line) => line.startsWith(key))?.slice(key.length);
}

async function tokenNames(user: TestUser): Promise<string[]> {
  const { apiTokens } = await user.client.data<{ apiTokens: Array<{ name: string }> }>('{ apiTokens { name } }');
  return apiTokens.map((token) => token.name);
}

const whoami = (registry: string) => npm.run(npm.root, ['whoami', '--registry', registry]);

describe('npm login, whoami and publish as a Larder user', () => {
  it('logs in on a terminal, saving a new token of the user for the registry, and whoami answers their name', async () => {
    const login = await npm.login(['--auth-type=legacy', '--registry', publishTo], { username: 'alice', password: alice.password });
    expect(login.stdout).toContain(`Logged in on ${publishTo}`);
    expect(login.code).toBe(0);
    expect(login.stdout).not.toContain(alice.password);
    expect(savedToken(publishTo)).toMatch(/^larder_/);
    expect(savedToken(publishTo)).not.toBe(alice.token);
    expect(await tokenNames(alice)).toContain('npm login at /npm/npm/team/');

    const who = await whoami(publishTo);
    expect(who.stderr).toBe('');
    expect(who.stdout.trim()).toBe('alice');
  });

  it('publishes with the token npm login saved; the publish task is the user\'s', async () => {
    const project = npm.project('hello', {
      'package.json': JSON.stringify({ name: 'hello', version: '1.0.0', main: 'index.js', license: 'MIT' }),
      'index.js': 'module.exports = "hello";\n',
    });
    const published = await npm.run(project, ['publish', '--registry', publishTo]);
    expect(published.stderr).not.toMatch(/ERR!/);
    expect(published.code).toBe(0);
    const { tasks } = await t.client.data(`{ tasks(filter: { name: { eq: "npm.publish" } }) { nodes { state user { username } } } }`);
    expect(tasks.nodes).toEqual([{ state: 'COMPLETED', user: { username: 'alice' } }]);
  });

  it('logs in at the URL npm installs from too, npm\'s default web login falling back to the legacy one', async () => {
    const login = await npm.login(['--registry', installFrom], { username: 'alice', password: alice.password });
    expect(login.code).toBe(0);
    expect(savedToken(installFrom)).toMatch(/^larder_/);
    expect((await whoami(installFrom)).stdout.trim()).toBe('alice');
  });
});

describe('refused logins and whoami', () => {
  it('refuses a wrong password (E401) and saves nothing', async () => {
    npm.logout();
    const login = await npm.login(['--auth-type=legacy', '--registry', publishTo], { username: 'alice', password: 'not-her-password' });
    expect(login.code).not.toBe(0);
    expect(login.stdout).toMatch(/E401/);
    expect(npm.userConfig()).toBe('');
  });

  it('never makes a user: an unknown one is refused like a wrong password (401)', async () => {
    const count = async () => (await t.client.data<{ users: { totalCount: number } }>('{ users { totalCount } }')).users.totalCount;
    const before = await count();
    const res = await fetch(`${publishTo}-/user/org.couchdb.user:mallory`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ _id: 'org.couchdb.user:mallory', name: 'mallory', password: 'whatever', email: 'm@example.com', type: 'user', roles: [] }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await count()).toBe(before);
  });

  it('refuses a login document for another user than its URL names (400), and a base path no npm distribution has (404)', async () => {
    const put = (url: string, body: unknown) => fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put(`${installFrom}-/user/org.couchdb.user:alice`, { name: 'bob', password: alice.password })).status).toBe(400);
    expect((await put(`${t.client.url}/npm/npm/none/-/user/org.couchdb.user:alice`, { name: 'alice', password: alice.password })).status).toBe(404);
    expect((await put(`${t.client.url}/content/npm/none/-/user/org.couchdb.user:alice`, { name: 'alice', password: alice.password })).status).toBe(404);
  });

  it('answers whoami only with a token: npm asks for a login without one, and an unknown token is refused (E401)', async () => {
    npm.logout();
    const anonymous = await whoami(publishTo);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toContain('ENEEDAUTH');
    for (const registry of [publishTo, installFrom]) {
      const bare = await fetch(`${registry}-/whoami`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    npm.authenticate(publishTo, 'larder_not-a-token-of-anyone');
    const unknown = await whoami(publishTo);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/E401/);
  });
});
