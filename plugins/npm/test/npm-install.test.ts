import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLarder, type TestLarder } from '../../../test/plugin-testing.js';
import type { AbbreviatedPackument, Packument } from '../registry/packument.js';
import { addFixturePackages } from './support/fixture-packages.js';
import { FixtureRegistry } from './support/fixture-registry.js';
import { NpmCli } from './support/npm-cli.js';
import { NpmSteps } from './support/npm-steps.js';

let t: TestLarder;
let upstream: FixtureRegistry;
let npm: NpmCli;
let steps: NpmSteps;
let registry: string;

beforeAll(async () => {
  t = await startTestLarder();
  upstream = await FixtureRegistry.start();
  addFixturePackages(upstream);
  npm = new NpmCli();
  steps = new NpmSteps(t.client);
});
afterAll(async () => {
  await upstream?.close();
  await t?.stop();
  npm?.remove();
});

const CORGI = 'application/vnd.npm.install-v1+json';

describe('a mirror of an npm registry', () => {
  it('syncs the packages a remote names and, following dependencies, what npm would install with them', async () => {
    const remote = await steps.remote('fixture', upstream.url, ['greet', 'counter@^1'], { followDependencies: true });
    const repo = await steps.repository('fixture');
    const sync = await steps.sync(repo, remote);
    expect(sync.error).toBeNull();
    expect(sync.state).toBe('COMPLETED');
    expect(await steps.content(repo)).toEqual({
      number: 1,
      packages: ['@fixture/util@1.1.0', 'counter@1.10.0', 'counter@1.9.0', 'greet@1.0.0'],
      tags: ['@fixture/util:latest=1.1.0', 'greet:latest=1.0.0'],
    });
    registry = await steps.distribute('fixture', 'npm/fixture', repo);
  });

  it('serves packuments with semver latest, tarballs at Larder, and the abbreviated form npm installs from', async () => {
    const full = await fetch(`${registry}counter`);
    expect(full.headers.get('content-type')).toBe('application/json');
    const counter = (await full.json()) as Packument;
    expect(counter['dist-tags']).toEqual({ latest: '1.10.0' });
    expect(Object.keys(counter.versions)).toEqual(['1.9.0', '1.10.0']);
    expect(counter.versions['1.10.0']!.dist).toMatchObject({ tarball: `${registry}counter/-/counter-1.10.0.tgz` });
    expect(Object.keys(counter.time)).toEqual(expect.arrayContaining(['created', 'modified', '1.9.0', '1.10.0']));

    const abbreviated = await fetch(`${registry}greet`, { headers: { accept: `${CORGI}; q=1.0, application/json; q=0.8, */*` } });
    expect(abbreviated.headers.get('content-type')).toBe(CORGI);
    const greet = (await abbreviated.json()) as AbbreviatedPackument;
    expect(Object.keys(greet).sort()).toEqual(['dist-tags', 'modified', 'name', 'versions']);
    expect(greet.versions['1.0.0']).toMatchObject({
      name: 'greet', version: '1.0.0', dependencies: { '@fixture/util': '^1.0.0', counter: '^1.9.0' },
      bin: { greet: 'index.js' }, engines: { node: '>=18' },
    });
    expect(greet.versions['1.0.0']!.main).toBeUndefined();

    for (const path of ['@fixture%2futil', '@fixture/util']) {
      const util = (await (await fetch(`${registry}${path}`)).json()) as Packument;
      expect(util.name).toBe('@fixture/util');
      expect(util.versions['1.1.0']!.dist).toMatchObject({ tarball: `${registry}@fixture/util/-/util-1.1.0.tgz` });
    }
    expect((await fetch(`${registry}unrelated`)).status).toBe(404);
  });

  it('lets the real npm install from it alone, with the versions npm would choose', async () => {
    await upstream.close();
    const project = npm.project('app', { 'package.json': JSON.stringify({ name: 'app', version: '0.0.0', private: true }) });
    const install = await npm.run(project, ['install', '--registry', registry, 'greet']);
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.code).toBe(0);
    expect(npm.installed(project, 'greet')).toBe('1.0.0');
    expect(npm.installed(project, '@fixture/util')).toBe('1.1.0');
    expect(npm.installed(project, 'counter')).toBe('1.10.0');
    const ls = await npm.run(project, ['ls', '--all', '--registry', registry]);
    expect(ls.code).toBe(0);
  });
});
