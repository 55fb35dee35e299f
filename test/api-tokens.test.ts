import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenDigest } from '../core/access/token-secrets.js';
import { basic, GraphQLClient } from './support/graphql-client.js';
import { makeUser, tokenFor, type TestUser } from './support/identities.js';
import { spawnLarder, type LarderProcess } from './support/larder-process.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { until } from './support/wait.js';
import { WsSession } from './support/ws-session.js';

/*
 * API tokens and passwords from a user's side: a token's secret is shown once; an expired or
 * revoked token is refused at once by every api process, and the subscriptions it opened end
 * within seconds; and no secret, password or password hash is ever answered or logged.
 */

let t: TestLarder;
/** A second api process on the same database and Redis. */
let second: GraphQLClient;
let alice: TestUser;

const ME = '{ me { username } }';

beforeAll(async () => {
  t = await startTestLarder();
  const [api] = await Promise.all([t.spawn('api'), (async () => (alice = await makeUser(t.client, 'alice')))()]);
  second = new GraphQLClient(await api.url);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

/** The answer code of one request; 'ok' when it has none. */
async function answer(client: GraphQLClient, query = ME): Promise<string> {
  const result = await client.request(query);
  return result.errors?.[0]?.extensions?.code ?? 'ok';
}

async function revoke(client: GraphQLClient, tokenId: string): Promise<void> {
  await client.data('mutation ($id: ID!) { revokeApiToken(id: $id) { id } }', { id: tokenId });
}

describe('an API token', () => {
  it('shows its secret once: no field of a token has it, and no later answer contains it', async () => {
    const { createApiToken } = await alice.client.data(
      'mutation { createApiToken(input: { name: "ci" }) { secret token { id name createdAt expiresAt lastUsedAt updatedAt } } }');
    const { secret, token } = createApiToken;
    expect(secret).toMatch(/^larder_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'ci', expiresAt: null, lastUsedAt: null });

    const { __type } = await alice.client.data('{ __type(name: "ApiToken") { fields { name } } }');
    expect(__type.fields.map((f: { name: string }) => f.name).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'updatedAt']);
    expect(await alice.client.errorCode('{ apiTokens { id secret } }')).toBe('GRAPHQL_VALIDATION_FAILED');

    const user = alice.client.as(`Bearer ${secret}`);
    const later = JSON.stringify([
      await user.data(ME),
      await user.data('{ apiTokens { id name createdAt expiresAt lastUsedAt updatedAt } }'),
      await alice.client.data('{ apiTokens { id name createdAt expiresAt lastUsedAt updatedAt } }'),
      await t.client.data('{ users { nodes { id username displayName isAdmin createdAt lastLoginAt groups { name } } } }'),
      await user.data('mutation ($id: ID!) { revokeApiToken(id: $id) { id name createdAt expiresAt lastUsedAt updatedAt } }', { id: token.id }),
    ]);
    expect(later).not.toContain(secret);
    expect(later).not.toContain(secret.slice('larder_'.length));
    expect(later).not.toContain(tokenDigest(secret));
  });

  it('records when it was last used', async () => {
    const { token, tokenId } = await tokenFor(alice.client);
    const lastUsed = async () => (await alice.client.data<{ apiTokens: Array<{ id: string; lastUsedAt: string | null; createdAt: string }> }>(
      '{ apiTokens { id lastUsedAt createdAt } }')).apiTokens.find((k) => k.id === tokenId)!;
    expect((await lastUsed()).lastUsedAt).toBeNull();
    const before = Date.now();
    expect(await answer(alice.client.as(`Bearer ${token}`))).toBe('ok');
    const used = await lastUsed();
    expect(used.lastUsedAt).not.toBeNull();
    expect(Date.parse(used.lastUsedAt!)).toBeGreaterThanOrEqual(Date.parse(used.createdAt));
    expect(Math.abs(Date.parse(used.lastUsedAt!) - before)).toBeLessThan(5_000);
  });

  it('is refused from the moment it expires, by every api process and for new subscriptions, and the subscription it opened ends', async () => {
    const expiresAt = new Date(Date.now() + 2_500);
    const { token } = await tokenFor(alice.client, expiresAt);
    const here = alice.client.as(`Bearer ${token}`);
    const there = second.as(`Bearer ${token}`);
    expect([await answer(here), await answer(there)]).toEqual(['ok', 'ok']);
    const { session, acknowledged } = await WsSession.open(t.client.url, `Bearer ${token}`);
    expect(acknowledged).toBe(true);
    session.subscribe('subscription { taskEvents { id } }');

    // Asked again and again: every answer begun before the expiry is ok, and the first after it is refused.
    const asked: Array<{ at: number; code: string }> = [];
    await until('the token is refused', async () => {
      const at = Date.now();
      const code = await answer(here);
      asked.push({ at, code });
      return code === 'UNAUTHENTICATED';
    }, 10_000);
    const firstRefused = asked.find((a) => a.code !== 'ok')!;
    expect(asked.filter((a) => a.code === 'ok').every((a) => a.at < expiresAt.getTime() + 50)).toBe(true);
    expect(firstRefused.at).toBeGreaterThanOrEqual(expiresAt.getTime() - 50);
    expect(firstRefused.at - expiresAt.getTime()).toBeLessThan(500);
    expect(await answer(there)).toBe('UNAUTHENTICATED');
    expect((await (await WsSession.open(second.url, `Bearer ${token}`)).session.closed).code).toBe(4403);

    const closed = await session.closed;
    expect(closed.code).toBe(4403);
    expect(closed.at - expiresAt.getTime()).toBeLessThan(5_000);
  });

  it('is refused at once after it is revoked, by every api process, and the subscriptions it opened close within 5 s', async () => {
    const { token, tokenId } = await tokenFor(alice.client);
    const here = alice.client.as(`Bearer ${token}`);
    const there = second.as(`Bearer ${token}`);
    const sessions = await Promise.all([t.client.url, second.url].map(async (url) => {
      const { session, acknowledged } = await WsSession.open(url, `Bearer ${token}`);
      expect(acknowledged).toBe(true);
      session.subscribe('subscription { taskEvents { id } }');
      return session;
    }));
    expect([await answer(here), await answer(there)]).toEqual(['ok', 'ok']);

    await revoke(here, tokenId);
    const revokedAt = Date.now();
    expect([await answer(here), await answer(there)]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(await answer(here, '{ __typename }')).toBe('ok');
    const again = await WsSession.open(second.url, `Bearer ${token}`);
    expect(again.acknowledged).toBe(false);
    expect((await again.session.closed).code).toBe(4403);

    const closed = await Promise.all(sessions.map((s) => s.closed));
    const delays = closed.map((c) => c.at - revokedAt);
    expect(closed.map((c) => c.code)).toEqual([4403, 4403]);
    expect(Math.max(...delays), `closed ${delays.join(' and ')} ms after the revocation`).toBeLessThan(5_000);
    // Another user's token, or one of the caller's that does not exist, is not the caller's to revoke.
    expect(await alice.client.errorCode('mutation ($id: ID!) { revokeApiToken(id: $id) { id } }', { id: tokenId })).toBe('NOT_FOUND');
    expect(await t.client.errorCode('mutation ($id: ID!) { revokeApiToken(id: $id) { id } }', { id: alice.tokenId })).toBe('NOT_FOUND');
  });
});

describe('credentials', () => {
  it('are a Bearer token or Basic username and password; wrong ones are UNAUTHENTICATED, none is anonymous', async () => {
    expect(await t.client.as(basic('alice', alice.password)).data(ME)).toEqual({ me: { username: 'alice' } });
    expect(await t.client.as(basic('ALICE', alice.password)).errorCode(ME)).toBe('UNAUTHENTICATED');
    expect(await t.client.as(basic('alice', `${alice.password}x`)).errorCode(ME)).toBe('UNAUTHENTICATED');
    expect(await t.client.as(basic('nobody', alice.password)).errorCode(ME)).toBe('UNAUTHENTICATED');
    expect(await t.client.as('Bearer larder_0123456789abcdef').errorCode(ME)).toBe('UNAUTHENTICATED');
    expect(await t.client.as('Token whatever').errorCode(ME)).toBe('UNAUTHENTICATED');
    expect(await t.client.as(null).data(ME)).toEqual({ me: null });
    expect(await t.client.as(null).errorCode('{ apiTokens { id } }')).toBe('UNAUTHENTICATED');

    const anonymous = await WsSession.open(t.client.url, null);
    expect([anonymous.acknowledged, (await anonymous.session.closed).code]).toEqual([false, 4401]);
    const wrong = await WsSession.open(t.client.url, basic('alice', 'not her password'));
    expect([wrong.acknowledged, (await wrong.session.closed).code]).toEqual([false, 4403]);
    const right = await WsSession.open(t.client.url, basic('alice', alice.password));
    expect(right.acknowledged).toBe(true);
    right.session.close();
  });
});

describe('secrets', () => {
  let debug: LarderProcess | null = null;
  afterAll(async () => {
    await debug?.stop();
  });

  it('never appear in an answer or a log line, even at debug level: passwords, token secrets, password hashes', async () => {
    debug = spawnLarder('api', { ...t.env, PORT: '0', LOG_LEVEL: 'debug' });
    const api = new GraphQLClient(await debug.url);
    const admin = api.as(t.client.authorization);
    const secrets: string[] = [t.client.authorization!.slice('Bearer '.length), t.adminPassword];
    const answers: string[] = [];
    const ask = async (client: GraphQLClient, query: string, variables: Record<string, unknown> = {}) => {
      const result = await client.request(query, variables);
      answers.push(JSON.stringify(result));
      return result;
    };

    const password = `pw-${randomBytes(12).toString('hex')}`;
    const changed = `pw-${randomBytes(12).toString('hex')}`;
    const wrong = `pw-${randomBytes(12).toString('hex')}`;
    const tooShort = `pw!${randomBytes(3).toString('base64url')}`;
    const madeUp = `larder_${randomBytes(32).toString('base64url')}`;
    secrets.push(password, changed, wrong, tooShort, madeUp);
    const created = await ask(admin, 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id username } }',
      { input: { username: 'dora', password } });
    const doraId = (created.data as { createUser: { id: string } }).createUser.id;
    const refusedShort = await ask(admin, 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input: { username: 'eve', password: tooShort } });
    expect(refusedShort.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    for (const pw of [password, wrong]) {
      secrets.push(basic('dora', pw).slice('Basic '.length));
      await ask(api.as(basic('dora', pw)), ME);
    }
    await ask(api.as(basic('nobody-at-all', wrong)), ME);
    await ask(api.as(`Bearer ${madeUp}`), ME);
    const token = await ask(api.as(basic('dora', password)), 'mutation { createApiToken(input: { name: "laptop" }) { secret token { id name } } }');
    const secret = (token.data as { createApiToken: { secret: string } }).createApiToken.secret;
    // Its one answer is the only place the secret may be: every other answer is searched for it.
    answers.pop();
    secrets.push(secret, secret.slice('larder_'.length), tokenDigest(secret));
    await ask(api.as(`Bearer ${secret}`), '{ me { id username displayName isAdmin createdAt lastLoginAt groups { name } } apiTokens { id name lastUsedAt } }');
    await ask(admin, 'mutation ($id: ID!, $pw: String!) { updateUser(id: $id, input: { password: $pw }) { id username } }', { id: doraId, pw: changed });
    await ask(admin, 'mutation ($id: ID!) { updateUser(id: $id, input: { password: "short" }) { id } }', { id: doraId });
    await ask(api.as(basic('dora', password)), ME);
    await ask(api.as(basic('dora', changed)), ME);
    await ask(admin, '{ users { nodes { id username displayName isAdmin createdAt lastLoginAt } } }');
    const sessions = await Promise.all([basic('dora', changed), basic('dora', wrong), `Bearer ${secret}`, `Bearer ${madeUp}`]
      .map((authorization) => WsSession.open(api.url, authorization)));
    sessions.forEach(({ session }) => session.close());

    const hashes = await t.sql<{ password_hash: string }>("select password_hash from user_account where username = 'dora'");
    secrets.push(hashes[0]!.password_hash);
    await debug.stop();
    const lines = debug.output;
    expect(lines.some((line) => line.includes('"msg":"Larder is listening"'))).toBe(true);
    for (const [where, texts] of [['answer', answers], ['log line', lines]] as const) {
      const leaks = texts.filter((text) => text.includes('scrypt$') || secrets.some((s) => text.includes(s)));
      expect(leaks, `a secret in an ${where}`).toEqual([]);
    }
  });
});
