import { describe, expect, it } from 'vitest';
import { publishAddress } from '../publish/publish-address.js';
import { distTags } from '../registry/dist-tags.js';
import { wantsAbbreviated } from '../registry/metadata-format.js';
import { packageNameAt, tarballPath } from '../registry/package-name.js';
import { parsePackageSpec } from '../registry/package-spec.js';
import { pickVersion } from '../registry/pick-version.js';
import { dependenciesOf } from '../sync/dependencies.js';

describe('latest', () => {
  it('is the highest release by semver, not by string order, unless a tag unit says otherwise', () => {
    expect(distTags(['1.9.0', '1.10.0', '2.0.0-rc.1'], [])).toEqual({ latest: '1.10.0' });
    expect(distTags(['1.0.0-beta.2', '1.0.0-beta.10'], [])).toEqual({ latest: '1.0.0-beta.10' });
    expect(distTags(['1.9.0', '1.10.0'], [{ tag: 'latest', version: '1.9.0' }, { tag: 'next', version: '3.0.0' }])).toEqual({ latest: '1.9.0' });
  });
});

describe('choosing a dependency version as npm does', () => {
  const choices = (versions: string[], latest: string, deprecated: string[] = []) => ({
    versions, distTags: { latest, beta: '3.0.0-beta.1' }, isDeprecated: (v: string) => deprecated.includes(v),
  });
  it('takes latest when it satisfies the range, else the highest satisfying version that is not deprecated', () => {
    const counter = choices(['1.9.0', '1.10.0', '2.0.0', '2.1.0', '3.0.0-beta.1'], '2.0.0');
    expect(pickVersion(counter, { kind: 'range', range: '^2.0.0' })).toBe('2.0.0');
    expect(pickVersion(counter, { kind: 'range', range: '^1.9.0' })).toBe('1.10.0');
    expect(pickVersion(counter, { kind: 'range', range: '' })).toBe('2.0.0');
    expect(pickVersion(counter, { kind: 'tag', tag: 'beta' })).toBe('3.0.0-beta.1');
    expect(pickVersion(counter, { kind: 'range', range: '^4' })).toBeNull();
    expect(pickVersion(choices(['1.0.0', '1.1.0'], '1.1.0', ['1.1.0']), { kind: 'range', range: '^1' })).toBe('1.0.0');
  });

  it('follows dependencies, optional and peer dependencies and aliases, but not bundled ones or optional peers', () => {
    const deps = dependenciesOf({
      dependencies: { a: '^1', b: 'npm:@real/b@^2', c: 'github:user/c', bundled: '1' },
      optionalDependencies: { d: '~3' },
      peerDependencies: { e: '>=4', f: '5' },
      peerDependenciesMeta: { f: { optional: true } },
      bundleDependencies: ['bundled'],
    });
    expect(deps.map(({ name, wanted, optional }) => ({ name, wanted, optional }))).toEqual([
      { name: 'e', wanted: { kind: 'range', range: '>=4' }, optional: false },
      { name: 'a', wanted: { kind: 'range', range: '^1' }, optional: false },
      { name: '@real/b', wanted: { kind: 'range', range: '^2' }, optional: false },
      { name: 'c', wanted: null, optional: false },
      { name: 'd', wanted: { kind: 'range', range: '~3' }, optional: true },
    ]);
  });
});

describe('names, specs and paths', () => {
  it('reads package specs: every version, a range, a tag', () => {
    expect(parsePackageSpec('left-pad')).toEqual({ name: 'left-pad', wanted: { kind: 'all' } });
    expect(parsePackageSpec('@scope/pkg@^2')).toEqual({ name: '@scope/pkg', wanted: { kind: 'range', range: '^2' } });
    expect(parsePackageSpec('pkg@>=1.0.0 <2')).toEqual({ name: 'pkg', wanted: { kind: 'range', range: '>=1.0.0 <2' } });
    expect(parsePackageSpec('pkg@next')).toEqual({ name: 'pkg', wanted: { kind: 'tag', tag: 'next' } });
    for (const bad of ['', '@scope', '@scope/', 'a/b', '.hidden', 'pkg@', 'pkg@a b', 'spa ce']) expect(parsePackageSpec(bad)).toBeNull();
  });

  it('finds the package a registry path names, however its scope slash is encoded', () => {
    expect(packageNameAt('left-pad')).toBe('left-pad');
    expect(packageNameAt('@scope/pkg')).toBe('@scope/pkg');
    expect(packageNameAt('@scope/pkg/-/pkg-1.0.0.tgz')).toBeNull();
    expect(packageNameAt('-/ping')).toBeNull();
    expect(tarballPath('@scope/pkg', '1.0.0')).toBe('@scope/pkg/-/pkg-1.0.0.tgz');
    expect(publishAddress('/npm/a/b/@scope%2fpkg')).toEqual({ basePath: 'a/b', name: '@scope/pkg' });
    expect(publishAddress('/npm/a/b/@scope/pkg')).toEqual({ basePath: 'a/b', name: '@scope/pkg' });
    expect(publishAddress('/npm/a/left-pad')).toEqual({ basePath: 'a', name: 'left-pad' });
    expect(publishAddress('/npm/left-pad')).toBeNull();
  });

  it('serves the abbreviated packument when the client prefers it', () => {
    expect(wantsAbbreviated('application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*')).toBe(true);
    expect(wantsAbbreviated('application/json')).toBe(false);
    expect(wantsAbbreviated('application/json, application/vnd.npm.install-v1+json; q=0.5')).toBe(false);
    expect(wantsAbbreviated(undefined)).toBe(false);
  });
});
