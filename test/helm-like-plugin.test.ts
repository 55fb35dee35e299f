import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runTask, serve, startTestLarder, Upstream, type TestLarder } from './plugin-testing.js';

// The Helm-like plugin bench/plugin-lines.ts counts: this is what shows it works, beside the file and npm plugins.
let t: TestLarder;
let upstream: Upstream;
beforeAll(async () => {
  [t, upstream] = await Promise.all([
    startTestLarder({ env: { LARDER_PLUGINS: 'file,npm,test/fixtures/plugins/helm' } }),
    Upstream.start(),
  ]);
});
afterAll(async () => {
  await upstream?.close();
  await t?.stop();
});

const sha256 = (body: string) => createHash('sha256').update(body).digest('hex');

interface Entry { name: string; version: string; digest: string; urls: string[]; appVersion?: string }

/** Serves chart archives (name, version, bytes) and an index.yaml listing them, as a chart repository does; returns its URL. */
function publishCharts(charts: Array<[string, string, string]>): string {
  const entries: Record<string, Entry[]> = {};
  for (const [name, version, body] of charts) {
    upstream.route(`/charts/archives/${name}-${version}.tgz`, serve(body));
    (entries[name] ??= []).push({ name, version, digest: sha256(body), urls: [`archives/${name}-${version}.tgz`], appVersion: `app-${version}` });
  }
  return upstream.route('/charts/index.yaml', serve(stringify({ apiVersion: 'v1', entries })));
}

async function servedIndex(baseUrl: string): Promise<{ apiVersion: string; entries: Record<string, Entry[]> }> {
  const res = await fetch(new URL('index.yaml', baseUrl));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/yaml');
  return parse(await res.text());
}

it('syncs charts from an index.yaml and serves them with an index.yaml of their own, newest version first', async () => {
  const url = publishCharts([['redis', '1.0.0', 'redis one'], ['redis', '1.10.0', 'redis ten'], ['webapp', '2.0.0', 'webapp two']]);
  const { createHelmRemote: remote } = await t.client.data(
    'mutation ($input: CreateHelmRemoteInput!) { createHelmRemote(input: $input) { id } }', { input: { name: 'charts', url } });
  const { createHelmRepository: repo } = await t.client.data('mutation { createHelmRepository(input: { name: "charts" }) { id } }');
  const distributed = await runTask(t.client, 'mutation ($input: CreateHelmDistributionInput!) { createHelmDistribution(input: $input) { id } }',
    { input: { name: 'charts', basePath: 'helm/charts', repositoryId: repo.id } });
  const { helmDistribution: { baseUrl } } = await t.client.data(
    'query ($id: ID!) { helmDistribution(id: $id) { baseUrl } }', { id: distributed.createdResources[0] });
  expect(await servedIndex(baseUrl)).toEqual({ apiVersion: 'v1', entries: {} });

  const sync = () => runTask(t.client, 'mutation ($id: ID!, $remote: ID!) { syncHelmRepository(id: $id, remoteId: $remote) { id } }',
    { id: repo.id, remote: remote.id });
  expect((await sync()).state).toBe('COMPLETED');

  const index = await servedIndex(baseUrl);
  expect(index.apiVersion).toBe('v1');
  expect(Object.keys(index.entries).sort()).toEqual(['redis', 'webapp']);
  expect(index.entries.redis!.map((e) => e.version)).toEqual(['1.10.0', '1.0.0']);
  expect(index.entries.redis![0]).toMatchObject({ appVersion: 'app-1.10.0', digest: sha256('redis ten') });
  for (const entry of Object.values(index.entries).flat()) {
    const archive = await fetch(new URL(entry.urls[0]!, new URL('index.yaml', baseUrl)));
    expect(archive.status).toBe(200);
    expect(sha256(await archive.text())).toBe(entry.digest);
  }

  const { helmCharts } = await t.client.data('{ helmCharts(orderBy: { field: CHART_VERSION, direction: ASC }) { nodes { chartName chartVersion metadata } } }');
  expect(helmCharts.nodes).toContainEqual({ chartName: 'redis', chartVersion: '1.0.0', metadata: { appVersion: 'app-1.0.0' } });
});

it('refuses an index.yaml with a bad entry and stores nothing of it', async () => {
  const good = sha256('fine');
  upstream.route('/bad/fine-1.0.0.tgz', serve('fine'));
  const url = upstream.route('/bad/index.yaml', serve(stringify({
    apiVersion: 'v1',
    entries: {
      fine: [{ name: 'fine', version: '1.0.0', digest: good, urls: ['fine-1.0.0.tgz'] }],
      broken: [{ name: 'broken', version: 'not-a-version', digest: good, urls: ['broken.tgz'] }],
    },
  })));
  const { createHelmRemote: remote } = await t.client.data(
    'mutation ($input: CreateHelmRemoteInput!) { createHelmRemote(input: $input) { id } }', { input: { name: 'bad', url } });
  const { createHelmRepository: repo } = await t.client.data('mutation { createHelmRepository(input: { name: "bad" }) { id } }');
  const task = await runTask(t.client, 'mutation ($id: ID!, $remote: ID!) { syncHelmRepository(id: $id, remoteId: $remote) { id } }',
    { id: repo.id, remote: remote.id });
  expect(task.state).toBe('FAILED');
  expect(task.error).toMatchObject({ code: 'BAD_INDEX' });
  expect(task.error!.description).toContain('broken not-a-version: not a semantic version');
  const { helmRepository } = await t.client.data('query ($id: ID!) { helmRepository(id: $id) { latestVersion { number } } }', { id: repo.id });
  expect(helmRepository.latestVersion.number).toBe(0);
  expect(upstream.hits('/bad/fine-1.0.0.tgz')).toBe(0);
});

it('answers 404 for index.yaml while a distribution serves no repository', async () => {
  const created = await runTask(t.client, 'mutation { createHelmDistribution(input: { name: "empty", basePath: "helm/empty" }) { id } }');
  const { helmDistribution: { baseUrl } } = await t.client.data(
    'query ($id: ID!) { helmDistribution(id: $id) { baseUrl } }', { id: created.createdResources[0] });
  const res = await fetch(new URL('index.yaml', baseUrl));
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
});
