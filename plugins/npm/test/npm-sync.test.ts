import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask, startTestLarder, storedCounts, type TestLarder } from '../../../test/plugin-testing.js';
import { addFixturePackages } from './support/fixture-packages.js';
import { FixtureRegistry } from './support/fixture-registry.js';
import { NpmCli } from './support/npm-cli.js';
import { NpmSteps } from './support/npm-steps.js';

let t: TestLarder;
let npm: NpmCli;
let steps: NpmSteps;
const upstreams: FixtureRegistry[] = [];

beforeAll(async () => {
  t = await startTestLarder();
  npm = new NpmCli();
  steps = new NpmSteps(t.client);
});
afterAll(async () => {
  await Promise.all(upstreams.map((u) => u.close().catch(() => undefined)));
  await t?.stop();
  npm?.remove();
});

async function registry(): Promise<FixtureRegistry> {
  const upstream = await FixtureRegistry.start();
  upstreams.push(upstream);
  return upstream;
}

let n = 0;
/** A remote of `upstream` for `packages` and a repository to sync it into. */
async function mirror(upstream: FixtureRegistry, packages: string[], extra: Record<string, unknown> = {}) {
  const name = `mirror-${++n}`;
  return { remote: await steps.remote(name, upstream.url, packages, extra), repo: await steps.repository(name), name };
}

async function incompleteVersions(): Promise<number> {
  const [row] = await t.larder.orm.em.getConnection().execute('select count(*)::int as n from repository_version where not complete');
  return (row as { n: number }).n;
}

describe('on demand', () => {
  it('syncs packuments only; npm install makes Larder fetch each tarball once, and then serves it alone', async () => {
    const upstream = await registry();
    addFixturePackages(upstream);
    const { remote, repo, name } = await mirror(upstream, ['greet'], { followDependencies: true, policy: 'ON_DEMAND' });
    const before = await storedCounts(t.client);
    expect((await steps.sync(repo, remote)).state).toBe('COMPLETED');
    expect((await storedCounts(t.client)).artifacts).toBe(before.artifacts);
    expect(upstream.hits('/registry/greet/-/greet-1.0.0.tgz')).toBe(0);
    const served = await steps.distribute(name, `lazy/${name}`, repo);

    const first = npm.project('lazy-first', { 'package.json': '{"name":"lazy-first","version":"0.0.0","private":true}' });
    const install = await npm.run(first, ['install', '--registry', served, 'greet']);
    expect(install.code).toBe(0);
    expect(npm.installed(first, 'counter')).toBe('1.10.0');
    expect(upstream.hits('/registry/greet/-/greet-1.0.0.tgz')).toBe(1);
    expect((await storedCounts(t.client)).artifacts).toBe(before.artifacts + 3);

    await upstream.close();
    const second = npm.project('lazy-second', { 'package.json': '{"name":"lazy-second","version":"0.0.0","private":true}' });
    expect((await npm.run(second, ['install', '--registry', served, 'greet'])).code).toBe(0);
    expect(npm.installed(second, '@fixture/util')).toBe('1.1.0');
  });
});

describe('on demand and streamed, checked against the packument', () => {
  it.each(['ON_DEMAND', 'STREAMED'])('answers 502 for a %s tarball when upstream sends other bytes than its integrity, and keeps nothing', async (policy) => {
    const upstream = await registry();
    upstream.add({ name: `shifty-${policy.toLowerCase()}`, version: '1.0.0' });
    const { remote, repo, name } = await mirror(upstream, [`shifty-${policy.toLowerCase()}`], { policy });
    expect((await steps.sync(repo, remote)).state).toBe('COMPLETED');
    const served = await steps.distribute(name, `shifty/${name}`, repo);
    upstream.tamper(`shifty-${policy.toLowerCase()}`, '1.0.0');
    const before = await storedCounts(t.client);
    const res = await fetch(`${served}shifty-${policy.toLowerCase()}/-/shifty-${policy.toLowerCase()}-1.0.0.tgz`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('served other bytes than promised');
    expect(await storedCounts(t.client)).toEqual(before);
  });
});

describe('following upstream', () => {
  it('takes new versions and moved tags on a re-sync, and drops what the remote no longer names when mirroring', async () => {
    const upstream = await registry();
    upstream.add({ name: 'moving', version: '1.0.0' });
    upstream.add({ name: 'moving', version: '2.0.0-rc.1' }, 'next');
    upstream.add({ name: 'other', version: '1.0.0' });
    const { remote, repo } = await mirror(upstream, ['moving', 'other']);
    expect((await steps.sync(repo, remote)).state).toBe('COMPLETED');
    expect(await steps.content(repo)).toEqual({
      number: 1,
      packages: ['moving@1.0.0', 'moving@2.0.0-rc.1', 'other@1.0.0'],
      tags: ['moving:latest=1.0.0', 'moving:next=2.0.0-rc.1', 'other:latest=1.0.0'],
    });

    upstream.add({ name: 'moving', version: '2.0.0' });
    upstream.tag('moving', 'next', '2.0.0');
    expect((await steps.sync(repo, remote)).state).toBe('COMPLETED');
    expect(await steps.content(repo)).toMatchObject({
      number: 2,
      tags: ['moving:latest=2.0.0', 'moving:next=2.0.0', 'other:latest=1.0.0'],
    });

    await runTask(t.client, `mutation ($id: ID!) { updateNpmRemote(id: $id, input: { packages: ["moving@^2.0.0"] }) { id } }`, { id: remote });
    const { npmRemote } = await t.client.data(`query ($id: ID!) { npmRemote(id: $id) { packages } }`, { id: remote });
    expect(npmRemote.packages).toEqual(['moving@^2.0.0']);
    expect((await steps.sync(repo, remote, true)).state).toBe('COMPLETED');
    expect(await steps.content(repo)).toEqual({
      number: 3, packages: ['moving@2.0.0'], tags: ['moving:latest=2.0.0', 'moving:next=2.0.0'],
    });
  });
});

describe('refusing what cannot be mirrored faithfully', () => {
  const failsAndStoresNothing = async (packages: string[], setUp: (upstream: FixtureRegistry) => void, extra: Record<string, unknown> = {}) => {
    const upstream = await registry();
    setUp(upstream);
    const { remote, repo } = await mirror(upstream, packages, extra);
    const before = await storedCounts(t.client);
    const sync = await steps.sync(repo, remote);
    expect(sync.state).toBe('FAILED');
    expect(await storedCounts(t.client)).toEqual(before);
    expect(await incompleteVersions()).toBe(0);
    return sync.error!;
  };

  it('fails a tarball that does not match its integrity (DIGEST_MISMATCH) and stores nothing', async () => {
    const error = await failsAndStoresNothing(['tampered-app'], (upstream) => {
      upstream.add({ name: 'tampered-app', version: '1.0.0', manifest: { dependencies: { 'tampered-lib': '^1.0.0' } } });
      upstream.add({ name: 'tampered-lib', version: '1.0.0' });
      upstream.tamper('tampered-lib', '1.0.0');
    }, { followDependencies: true });
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.description).toContain('tampered-lib-1.0.0.tgz');
  });

  it('fails a packument with a version npm could not install (BAD_PACKUMENT)', async () => {
    const error = await failsAndStoresNothing(['broken'], (upstream) => {
      upstream.add({ name: 'broken', version: '1.0.0', manifest: { dist: { integrity: 'sha512-bogus', shasum: undefined } } });
    });
    expect(error).toEqual({ code: 'BAD_PACKUMENT', description: expect.stringContaining('broken@1.0.0 without a sha512 dist.integrity or a dist.shasum') });
  });

  it('fails a dependency nothing upstream satisfies (UNRESOLVABLE_DEPENDENCY), but goes on without an optional one', async () => {
    const error = await failsAndStoresNothing(['needy'], (upstream) => {
      upstream.add({ name: 'needy', version: '1.0.0', manifest: { dependencies: { counter: '^9.0.0' } } });
      upstream.add({ name: 'counter', version: '1.0.0' });
    }, { followDependencies: true });
    expect(error.code).toBe('UNRESOLVABLE_DEPENDENCY');
    expect(error.description).toContain('needy@1.0.0 depends on counter@^9.0.0');

    const upstream = await registry();
    upstream.add({ name: 'hopeful', version: '1.0.0', manifest: { optionalDependencies: { 'not-there': '^1.0.0' }, peerDependencies: { counter: '1' } } });
    upstream.add({ name: 'counter', version: '1.0.0' });
    const { remote, repo } = await mirror(upstream, ['hopeful'], { followDependencies: true });
    expect((await steps.sync(repo, remote)).state).toBe('COMPLETED');
    expect((await steps.content(repo)).packages).toEqual(['counter@1.0.0', 'hopeful@1.0.0']);
  });

  it('fails a spec that matches no version (NO_MATCHING_VERSION)', async () => {
    const error = await failsAndStoresNothing(['counter@^5'], (upstream) => upstream.add({ name: 'counter', version: '1.0.0' }));
    expect(error.code).toBe('NO_MATCHING_VERSION');
  });

  it('fails a version stored already with another tarball (CONTENT_CONFLICT)', async () => {
    const original = await registry();
    original.add({ name: 'twice', version: '1.0.0', exports: 'the original' });
    const first = await mirror(original, ['twice']);
    expect((await steps.sync(first.repo, first.remote)).state).toBe('COMPLETED');
    const error = await failsAndStoresNothing(['twice'], (impostor) => impostor.add({ name: 'twice', version: '1.0.0', exports: 'an impostor' }));
    expect(error.code).toBe('CONTENT_CONFLICT');
  });
});

describe('bad input', () => {
  it.each([
    ['a name with a space', ['left pad']],
    ['a range that is no range', ['left-pad@^^1']],
    ['an empty list', []],
    ['a missing version after @', ['@scope/pkg@']],
  ])('refuses a remote with %s (BAD_USER_INPUT) and stores nothing', async (_what, packages) => {
    const { npmRemotes: before } = await t.client.data(`{ npmRemotes { totalCount } }`);
    const result = await t.client.request(`mutation ($p: [String!]!) { createNpmRemote(input: { name: "bad", url: "http://127.0.0.1:9/", packages: $p }) { id } }`, { p: packages });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.client.data(`{ npmRemotes { totalCount } }`)).npmRemotes).toEqual(before);
  });

  it('offers no publicationId on an npm distribution: npm repositories have no publications', async () => {
    const { createFileRepository: files } = await t.client.data(`mutation { createFileRepository(input: { name: "files" }) { id } }`);
    const published = await runTask(t.client, `mutation ($id: ID!) { createFilePublication(repositoryId: $id) { id } }`, { id: files.id });
    const { npmDistributions: before } = await t.client.data(`{ npmDistributions { totalCount } }`);
    const result = await t.client.request(`mutation ($p: ID!) { createNpmDistribution(input: { name: "pub", basePath: "pub", publicationId: $p }) { id } }`,
      { p: published.createdResources[0] });
    expect(result.errors?.[0]?.message).toContain('"publicationId" is not defined by type "CreateNpmDistributionInput"');
    expect((await t.client.data(`{ npmDistributions { totalCount } }`)).npmDistributions).toEqual(before);
  });
});
