import type { FixtureRegistry } from './fixture-registry.js';

/**
 * A small world of packages upstream: `greet` depends on a scoped package and on `counter`, whose
 * versions 1.9.0 and 1.10.0 sort one way as strings and the other by semver, and whose upstream
 * `latest` (2.0.0) is a major a mirror of `counter@^1` does not take.
 */
export function addFixturePackages(registry: FixtureRegistry): void {
  registry.add({ name: '@fixture/util', version: '1.0.0', exports: 'util 1.0.0' });
  registry.add({ name: '@fixture/util', version: '1.1.0', exports: 'util 1.1.0' });
  registry.add({ name: 'counter', version: '1.9.0' });
  registry.add({ name: 'counter', version: '1.10.0' });
  registry.add({ name: 'counter', version: '2.0.0' });
  registry.add({
    name: 'greet', version: '1.0.0',
    manifest: { dependencies: { '@fixture/util': '^1.0.0', counter: '^1.9.0' }, bin: { greet: 'index.js' }, engines: { node: '>=18' } },
  });
  registry.add({ name: 'unrelated', version: '3.0.0' });
}
