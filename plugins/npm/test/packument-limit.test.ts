import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLarder, type TestLarder } from '../../../test/plugin-testing.js';
import { FixtureRegistry } from './support/fixture-registry.js';
import { NpmSteps } from './support/npm-steps.js';

let t: TestLarder;
let upstream: FixtureRegistry;
let steps: NpmSteps;

beforeAll(async () => {
  t = await startTestLarder({ env: { LARDER_MAX_METADATA_BYTES: '8192' } });
  upstream = await FixtureRegistry.start();
  steps = new NpmSteps(t.client);
});
afterAll(async () => {
  await upstream?.close();
  await t?.stop();
});

describe('a packument over LARDER_MAX_METADATA_BYTES', () => {
  it('fails the sync with METADATA_TOO_LARGE before it is parsed; packuments within the limit still sync', async () => {
    upstream.add({ name: 'modest', version: '1.0.0' });
    upstream.add({ name: 'verbose', version: '1.0.0', manifest: { description: 'word '.repeat(2_000) } });
    expect(JSON.stringify(upstream.packument('verbose')).length).toBeGreaterThan(8192);

    const repository = await steps.repository('limited');
    const refused = await steps.sync(repository, await steps.remote('verbose', upstream.url, ['verbose']));
    expect(refused.state).toBe('FAILED');
    expect(refused.error).toMatchObject({ code: 'METADATA_TOO_LARGE', description: expect.stringContaining(`${upstream.url}verbose`) });
    expect(refused.error!.description).toContain('8192');
    // Refused for good: a larger document is not asked for again.
    expect(upstream.hits('/registry/verbose')).toBe(1);

    const synced = await steps.sync(repository, await steps.remote('modest', upstream.url, ['modest']));
    expect(synced.state).toBe('COMPLETED');
    expect(await steps.content(repository)).toMatchObject({ packages: ['modest@1.0.0'] });
  });
});
