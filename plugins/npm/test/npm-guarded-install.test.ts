import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantRole, makeUser, runTask, startTestLarder, type TestLarder, type TestUser } from '../../../test/plugin-testing.js';
import { NpmCli } from './support/npm-cli.js';
import { NpmSteps } from './support/npm-steps.js';

let t: TestLarder;
let npm: NpmCli;
let installFrom: string;
/** May download (viewer on the distribution), and may not (no role). */
let reader: TestUser;
let outsider: TestUser;

const grant = (role: string, user: TestUser, objectId: string) => grantRole(t.client, user, role, objectId);

beforeAll(async () => {
  t = await startTestLarder();
  npm = new NpmCli();
  const steps = new NpmSteps(t.client);
  const repo = await steps.repository('private');
  installFrom = await steps.distribute('private', 'npm/private', repo);
  const publisher = await makeUser(t.client, 'publisher');
  await grant('CONTRIBUTOR', publisher, repo);
  const publishTo = `${t.client.url}/npm/npm/private/`;
  npm.authenticate(publishTo, publisher.token);
  const project = npm.project('secret', {
    'package.json': JSON.stringify({ name: '@team/secret', version: '1.0.0', main: 'index.js', license: 'UNLICENSED' }),
    'index.js': 'module.exports = "secret";\n',
  });
  const published = await npm.run(project, ['publish', '--registry', publishTo]);
  if (published.code !== 0) throw new Error(`publish failed: ${published.stderr}`);
  npm.logout();

  const { createRbacContentGuard } = await t.client.data(`mutation { createRbacContentGuard(input: { name: "team only" }) { id } }`);
  const { npmDistributions } = await t.client.data(`{ npmDistributions(filter: { name: { eq: "private" } }) { nodes { id } } }`);
  const distributionId = npmDistributions.nodes[0].id as string;
  const guarded = await runTask(t.client, `mutation ($id: ID!, $guard: ID!) { updateNpmDistribution(id: $id, input: { contentGuardId: $guard }) { id } }`,
    { id: distributionId, guard: createRbacContentGuard.id });
  if (guarded.state !== 'COMPLETED') throw new Error(`guarding failed: ${JSON.stringify(guarded.error)}`);
  [reader, outsider] = await Promise.all([makeUser(t.client, 'reader'), makeUser(t.client, 'outsider')]);
  await grant('VIEWER', reader, distributionId);
});
afterAll(async () => {
  await t?.stop();
  npm?.remove();
});

let installs = 0;

/** `npm install @team/secret` into a new project, with whatever token .npmrc has now. */
function install(): Promise<{ code: number; stderr: string; project: string }> {
  const project = npm.project(`consumer-${++installs}`, {
    'package.json': JSON.stringify({ name: 'consumer', version: '0.0.0', private: true }),
  });
  return npm.run(project, ['install', '--registry', installFrom, '@team/secret']).then((run) => ({ ...run, project }));
}

describe('npm install from a distribution with an RBAC content guard', () => {
  it('fails without a token (E401) and with the token of a user who may not view the distribution (E403)', async () => {
    const anonymous = await install();
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/E401/);
    npm.authenticate(installFrom, outsider.token);
    const refused = await install();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/E403/);
  });

  it('installs with the token of a viewer in .npmrc, sent with the packument and the tarball requests', async () => {
    npm.authenticate(installFrom, reader.token);
    const installed = await install();
    expect(installed.stderr).not.toMatch(/ERR!/);
    expect(installed.code).toBe(0);
    expect(npm.installed(installed.project, '@team/secret')).toBe('1.0.0');
  });

  it('lets a viewer log in with npm at the URL it installs from, then install with the token npm saved', async () => {
    npm.logout();
    const login = await npm.login(['--auth-type=legacy', '--registry', installFrom], { username: 'reader', password: reader.password });
    expect(login.code).toBe(0);
    expect((await npm.run(npm.root, ['whoami', '--registry', installFrom])).stdout.trim()).toBe('reader');
    const installed = await install();
    expect(installed.code).toBe(0);
    expect(npm.installed(installed.project, '@team/secret')).toBe('1.0.0');
  });
});
