import type { PackageManifest } from '../entities/npm-package.js';
import { isPackageName } from '../registry/package-name.js';
import { versionWanted, type VersionWanted } from '../registry/package-spec.js';

/** A dependency npm would fetch from the registry for a version, or say why it cannot. */
export interface Dependency {
  /** The package it is installed from (an `npm:` alias's target). */
  name: string;
  /** As the version document writes it, for messages. */
  spec: string;
  wanted: Exclude<VersionWanted, { kind: 'all' }> | null;
  /** npm installs it when it can and goes on without it when it cannot. */
  optional: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function entries(value: unknown): Array<[string, string]> {
  return isObject(value) ? Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
}

/** `^1.2.0`, `latest`, or `npm:other@^2`, as npm resolves it against a registry; git, URL and file specs are not. */
function registrySpec(name: string, spec: string): Pick<Dependency, 'name' | 'wanted'> {
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)(?:@(.*))?$/.exec(spec);
  const [target, range] = alias ? [alias[1]!, alias[2] ?? ''] : [name, spec];
  return { name: target, wanted: isPackageName(target) ? versionWanted(range) : null };
}

/**
 * What npm installs along with a version: its dependencies, optional dependencies, and peer
 * dependencies (npm 7 and later install them) unless marked optional. Bundled dependencies ship
 * inside the tarball, so they are not fetched.
 */
export function dependenciesOf(manifest: PackageManifest): Dependency[] {
  const bundled = manifest.bundleDependencies ?? manifest.bundledDependencies;
  const isBundled = (name: string) => bundled === true || (Array.isArray(bundled) && bundled.includes(name));
  const peerMeta = isObject(manifest.peerDependenciesMeta) ? manifest.peerDependenciesMeta : {};
  const wanted = new Map<string, { spec: string; optional: boolean }>();
  for (const [name, spec] of entries(manifest.peerDependencies)) {
    const meta = peerMeta[name];
    if (!(isObject(meta) && meta.optional === true)) wanted.set(name, { spec, optional: false });
  }
  for (const [name, spec] of entries(manifest.dependencies)) wanted.set(name, { spec, optional: false });
  // npm lets an optional dependency override a regular one of the same name.
  for (const [name, spec] of entries(manifest.optionalDependencies)) wanted.set(name, { spec, optional: true });
  return [...wanted].filter(([name]) => !isBundled(name)).map(([name, { spec, optional }]) => ({ ...registrySpec(name, spec), spec, optional }));
}
