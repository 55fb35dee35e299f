import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, startTestLarder, type TestLarder } from '../../../test/plugin-testing.js';
import { FixtureRegistry } from './support/fixture-registry.js';
import { NpmSteps } from './support/npm-steps.js';

let t: TestLarder;
let upstream: FixtureRegistry;
let steps: NpmSteps;

beforeAll(async () => {
  // The sync runs in a worker process of its own, as in production.
  t = await startTestLarder({ workers: 0 });
  await t.spawn('worker');
  upstream = await FixtureRegistry.start();
  steps = new NpmSteps(t.client);
});
afterAll(async () => {
  await upstream?.close();
  await t?.stop();
});

/** A version document of the size popular packages list, with a tarball nobody fetches. */
function listedOnly(name: string, version: string): Record<string, unknown> {
  return {
    name, version, _id: `${name}@${version}`, description: `A version listed only, to make the packument large. ${'lorem ipsum '.repeat(60)}`,
    main: 'index.js', license: 'MIT', keywords: ['large', 'packument', 'stream'],
    dependencies: { 'left-pad': '^1.3.0', 'right-pad': '^1.0.1' }, scripts: { test: 'node test.js' },
    maintainers: [{ name: 'someone', email: 'someone@example.test' }],
    dist: { tarball: `${upstream.url}${name}/-/${name}-${version}.tgz`, shasum: 'a'.repeat(40), integrity: `sha512-${'b'.repeat(86)}==` },
  };
}

describe('a packument of 20,000 versions', () => {
  it('syncs the few versions a spec selects, reading the packument as a stream (twice: its outline, then the taken versions)', async () => {
    upstream.add({ name: 'warm-up', version: '1.0.0' });
    for (const version of ['2.0.0', '2.1.0', '2.2.0']) upstream.add({ name: 'huge', version });
    const packument = upstream.packument('huge');
    const versions = packument.versions as Record<string, unknown>;
    const time = packument.time as Record<string, string>;
    for (let i = 0; i < 20_000; i++) {
      const version = `1.${Math.floor(i / 100)}.${i % 100}`;
      versions[version] = listedOnly('huge', version);
      time[version] = new Date(Date.UTC(2020, 0, 1, 0, 0, i)).toISOString();
    }
    const body = JSON.stringify(packument);
    expect(body.length).toBeGreaterThan(20_000_000);
    upstream.upstream.route('/registry/huge', serve(body, { 'content-type': 'application/json' }));

    const repository = await steps.repository('huge');
    expect((await steps.sync(repository, await steps.remote('warm-up', upstream.url, ['warm-up']))).state).toBe('COMPLETED');
    const synced = await steps.sync(repository, await steps.remote('huge', upstream.url, ['huge@^2']));

    expect(synced.error).toBeNull();
    expect(synced.state).toBe('COMPLETED');
    expect(await steps.content(repository)).toMatchObject({
      packages: ['huge@2.0.0', 'huge@2.1.0', 'huge@2.2.0', 'warm-up@1.0.0'],
      tags: ['huge:latest=2.2.0', 'warm-up:latest=1.0.0'],
    });
    // Only what the sync took was fetched: the listed-only versions' tarballs do not exist.
    expect(upstream.hits('/registry/huge')).toBe(1);
  }, 120_000);
});
