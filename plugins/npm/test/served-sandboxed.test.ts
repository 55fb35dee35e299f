import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestLarder, type TestLarder } from '../../../test/plugin-testing.js';
import { FixtureRegistry } from './support/fixture-registry.js';
import { NpmSteps } from './support/npm-steps.js';

let t: TestLarder;
let upstream: FixtureRegistry;
beforeAll(async () => {
  t = await startTestLarder();
  upstream = await FixtureRegistry.start();
});
afterAll(async () => {
  await upstream?.close();
  await t?.stop();
});

it('serves packuments, the documents of its content handler, sandboxed and unsniffed like every file of the content app', async () => {
  const steps = new NpmSteps(t.client);
  upstream.add({ name: 'plain', version: '1.0.0' });
  const repo = await steps.repository('sandboxed');
  expect((await steps.sync(repo, await steps.remote('sandboxed', upstream.url, ['plain']))).state).toBe('COMPLETED');
  const registry = await steps.distribute('sandboxed', 'sandboxed', repo);

  const packument = await fetch(`${registry}plain`);
  const etag = packument.headers.get('etag')!;
  const answers = [
    packument,
    await fetch(`${registry}plain`, { headers: { accept: 'application/vnd.npm.install-v1+json' } }),
    await fetch(`${registry}plain`, { headers: { 'if-none-match': etag } }),
    await fetch(`${registry}plain`, { method: 'HEAD' }),
    await fetch(`${registry}no-such-package`),
    await fetch(`${registry}plain/-/plain-1.0.0.tgz`),
  ];
  expect(answers.map((res) => [res.status, res.headers.get('x-content-type-options'), res.headers.get('content-security-policy')])).toEqual([
    [200, 'nosniff', 'sandbox'], [200, 'nosniff', 'sandbox'], [304, 'nosniff', 'sandbox'],
    [200, 'nosniff', 'sandbox'], [404, 'nosniff', 'sandbox'], [200, 'nosniff', 'sandbox'],
  ]);
});
