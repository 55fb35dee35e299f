import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask } from './support/content.js';
import { GraphQLClient } from './support/graphql-client.js';
import { spawnLarder } from './support/larder-process.js';
import { redirect, serve, status, Upstream } from './support/upstream.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
let upstream: Upstream;
let elsewhere: Upstream;
beforeAll(async () => {
  [t, upstream, elsewhere] = await Promise.all([startTestLarder(), Upstream.start(), Upstream.start()]);
});
afterAll(async () => {
  await Promise.all([t?.stop(), upstream?.close(), elsewhere?.close()]);
});

const secret = () => `s3cret-${randomBytes(8).toString('hex')}`;
const REMOTE_FIELDS = 'id name url username hasPassword hasClientKey headerNames caCert clientCert tlsValidation';

/** Every row of every table that could hold a secret, as text. */
async function storedText(): Promise<string> {
  const rows = await t.sql(`select (select coalesce(string_agg(r::text, ' '), '') from remote r) as remotes,
                                   (select coalesce(string_agg(k::text, ' '), '') from task k) as tasks`);
  return JSON.stringify(rows);
}

describe('remote secrets', () => {
  it('are write-only in the API, sealed at rest and in task arguments, and still used for downloads', async () => {
    const [password, token, clientKey, newPassword] = [secret(), secret(), secret(), secret()];
    upstream.route('/private/PULP_MANIFEST', serve(''));
    const url = upstream.url('/private/');
    const { createFileRemote: remote } = await t.client.data(
      `mutation ($input: CreateFileRemoteInput!) { createFileRemote(input: $input) { ${REMOTE_FIELDS} } }`,
      { input: { name: 'private', url, username: 'ann', password, clientKey, headers: { 'X-Token': token } } },
    );
    expect(remote).toMatchObject({ hasPassword: true, hasClientKey: true, headerNames: ['X-Token'] });

    const update = await runTask(t.client, `mutation ($id: ID!, $input: UpdateFileRemoteInput!) { updateFileRemote(id: $id, input: $input) { id } }`,
      { id: remote.id, input: { password: newPassword } });
    expect(update.state).toBe('COMPLETED');

    const answers = JSON.stringify(await t.client.data(`query ($id: ID!) { fileRemote(id: $id) { ${REMOTE_FIELDS} } remotes { nodes { ... on FileRemote { ${REMOTE_FIELDS} } } } }`, { id: remote.id }));
    const stored = await storedText();
    for (const value of [password, token, clientKey, newPassword]) {
      expect(answers).not.toContain(value);
      expect(stored).not.toContain(value);
    }

    const { createFileRepository: repo } = await t.client.data(`mutation ($r: ID!) { createFileRepository(input: { name: "private", remoteId: $r }) { id } }`, { r: remote.id });
    const sync = await runTask(t.client, `mutation ($id: ID!) { syncFileRepository(id: $id) { id } }`, { id: repo.id });
    expect(sync).toMatchObject({ state: 'COMPLETED' });
    expect(upstream.headersOf('/private/PULP_MANIFEST').at(-1)).toMatchObject({
      authorization: `Basic ${Buffer.from(`ann:${newPassword}`).toString('base64')}`, 'x-token': token,
    });
  });

  it('appear in no log line, even at debug level, of the api or of the worker that syncs with them', async () => {
    const [password, token] = [secret(), secret()];
    const process = spawnLarder('start', { ...t.env, PORT: '0', LARDER_WORKERS: '1', LOG_LEVEL: 'debug' });
    try {
      const api = new GraphQLClient(await process.url, t.client.authorization);
      upstream.route('/logged/PULP_MANIFEST', status(500));
      const { createFileRemote: remote } = await api.data(
        `mutation ($input: CreateFileRemoteInput!) { createFileRemote(input: $input) { id } }`,
        { input: { name: 'logged', url: upstream.url('/logged/'), username: 'ann', password, headers: { 'X-Token': token }, maxRetries: 0 } },
      );
      const updated = await runTask(api, `mutation ($id: ID!, $input: UpdateFileRemoteInput!) { updateFileRemote(id: $id, input: $input) { id } }`,
        { id: remote.id, input: { password, headers: { 'X-Token': token } } });
      expect(updated.state).toBe('COMPLETED');
      const { createFileRepository: repo } = await api.data(`mutation ($r: ID!) { createFileRepository(input: { name: "logged", remoteId: $r }) { id } }`, { r: remote.id });
      expect((await runTask(api, `mutation ($id: ID!) { syncFileRepository(id: $id) { id } }`, { id: repo.id })).state).toBe('FAILED');
      await api.close();
    } finally {
      await process.stop();
    }
    expect(process.output.length).toBeGreaterThan(0);
    for (const line of process.output) {
      expect(line).not.toContain(password);
      expect(line).not.toContain(token);
    }
  });

  it('go to the remote\'s own origin only: a redirect elsewhere carries neither its password nor its headers', async () => {
    const [password, token] = [secret(), secret()];
    const moved = elsewhere.route('/mirror/PULP_MANIFEST', serve(''));
    upstream.route('/moved/PULP_MANIFEST', redirect(302, moved));
    const url = upstream.url('/moved/');
    const { createFileRemote: remote } = await t.client.data(
      `mutation ($input: CreateFileRemoteInput!) { createFileRemote(input: $input) { id } }`,
      { input: { name: 'moved', url, username: 'ann', password, headers: { 'X-Token': token } } },
    );
    const { createFileRepository: repo } = await t.client.data(`mutation ($r: ID!) { createFileRepository(input: { name: "moved", remoteId: $r }) { id } }`, { r: remote.id });
    expect(await runTask(t.client, `mutation ($id: ID!) { syncFileRepository(id: $id) { id } }`, { id: repo.id })).toMatchObject({ state: 'COMPLETED' });

    expect(upstream.headersOf('/moved/PULP_MANIFEST')[0]).toMatchObject({ 'x-token': token });
    const [forwarded] = elsewhere.headersOf('/mirror/PULP_MANIFEST');
    expect(forwarded).not.toHaveProperty('authorization');
    expect(forwarded).not.toHaveProperty('x-token');
  });

  it('stored in clear by an older release are sealed by the next start, and still work', async () => {
    const password = secret();
    upstream.route('/legacy/PULP_MANIFEST', serve(''));
    const url = upstream.url('/legacy/');
    const { createFileRemote: remote } = await t.client.data(
      `mutation ($input: CreateFileRemoteInput!) { createFileRemote(input: $input) { id } }`, { input: { name: 'legacy', url, username: 'ann' } },
    );
    await t.sql(`update remote set password = $2, headers = $3 where id = $1`, [remote.id, password, JSON.stringify({ 'X-Old': password })]);

    await t.spawn('api');
    expect(await storedText()).not.toContain(password);

    const { createFileRepository: repo } = await t.client.data(`mutation ($r: ID!) { createFileRepository(input: { name: "legacy", remoteId: $r }) { id } }`, { r: remote.id });
    expect((await runTask(t.client, `mutation ($id: ID!) { syncFileRepository(id: $id) { id } }`, { id: repo.id })).state).toBe('COMPLETED');
    expect(upstream.headersOf('/legacy/PULP_MANIFEST').at(-1)).toMatchObject({ 'x-old': password });
  });
});
