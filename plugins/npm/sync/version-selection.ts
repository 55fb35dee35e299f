import { TaskFailure } from '../../../core/plugin-api.js';
import type { PackageSpec } from '../registry/package-spec.js';
import { matchingVersions, pickVersion } from '../registry/pick-version.js';
import { dependenciesOf, type Dependency } from './dependencies.js';
import type { UpstreamPackument, UpstreamVersion } from './upstream-packument.js';

/** The versions a sync takes, by package, with each package's upstream dist-tags. */
export interface Selection {
  versions: UpstreamVersion[];
  distTags: Map<string, Readonly<Record<string, string>>>;
}

type Packuments = (name: string) => Promise<UpstreamPackument>;

/**
 * The versions a remote's specs ask for and, with `followDependencies`, what npm would install
 * with each of them, resolved against upstream, recursively. Fails when a spec matches nothing or
 * a dependency that is not optional cannot be resolved: a mirror that npm cannot install from is
 * not worth making.
 */
export async function selectVersions(specs: readonly PackageSpec[], followDependencies: boolean, packument: Packuments): Promise<Selection> {
  const taken = new Map<string, UpstreamVersion>();
  const distTags = new Map<string, Readonly<Record<string, string>>>();
  const take = (from: UpstreamPackument, version: string): UpstreamVersion | null => {
    const key = `${from.name}@${version}`;
    if (taken.has(key)) return null;
    const upstream = from.version(version);
    taken.set(key, upstream);
    distTags.set(from.name, from.distTags);
    return upstream;
  };

  let next: UpstreamVersion[] = [];
  await prefetch(specs.map((s) => s.name), packument);
  for (const spec of specs) {
    const from = await packument(spec.name);
    const versions = matchingVersions(from, spec.wanted);
    if (versions.length === 0) {
      throw new TaskFailure(`No version of ${spec.name} at ${from.url} matches "${describe(spec)}"`, 'NO_MATCHING_VERSION');
    }
    await from.load(versions);
    next.push(...versions.map((v) => take(from, v)).filter((v): v is UpstreamVersion => v !== null));
  }
  while (followDependencies && next.length > 0) {
    const dependents = next.map((dependent) => ({ dependent, dependencies: dependenciesOf(dependent.manifest) }));
    next = [];
    await prefetch(dependents.flatMap((d) => d.dependencies.filter((dep) => dep.wanted !== null).map((dep) => dep.name)), packument);
    // Resolved first and loaded a packument at a time (one read of each for the round), then
    // taken in order: the first failure, a resolution's or a version's, is the one reported.
    const picks: Pick[] = [];
    let failure: unknown = null;
    try {
      for (const { dependent, dependencies } of dependents) {
        for (const dependency of dependencies) {
          const pick = await resolve(dependent, dependency, packument);
          if (pick) picks.push(pick);
        }
      }
    } catch (error) {
      failure = error;
    }
    await loadPicks(picks);
    for (const pick of picks) {
      const added = take(pick.from, pick.version);
      if (added) next.push(added);
    }
    if (failure !== null) throw failure;
  }
  return { versions: [...taken.values()], distTags };
}

/** Starts every download of a round at once (the downloader bounds them); failures surface where each is used. */
async function prefetch(names: string[], packument: Packuments): Promise<void> {
  await Promise.allSettled([...new Set(names)].map((name) => packument(name)));
}

interface Pick {
  from: UpstreamPackument;
  version: string;
}

/** Reads the documents of the picked versions, each packument once. */
async function loadPicks(picks: Pick[]): Promise<void> {
  const byPackument = new Map<UpstreamPackument, string[]>();
  for (const { from, version } of picks) byPackument.set(from, [...(byPackument.get(from) ?? []), version]);
  for (const [from, versions] of byPackument) await from.load(versions);
}

function describe(spec: PackageSpec): string {
  return spec.wanted.kind === 'range' ? spec.wanted.range : spec.wanted.kind === 'tag' ? spec.wanted.tag : '*';
}

async function resolve(
  dependent: UpstreamVersion, dependency: Dependency, packument: Packuments,
): Promise<Pick | null> {
  const cannot = (why: string) => {
    if (dependency.optional) return null;
    throw new TaskFailure(`${dependent.name}@${dependent.version} depends on ${dependency.name}@${dependency.spec}, ${why}`, 'UNRESOLVABLE_DEPENDENCY');
  };
  if (dependency.wanted === null) return cannot('which is not a version range or tag in a registry');
  let from: UpstreamPackument;
  try {
    from = await packument(dependency.name);
  } catch (error) {
    return cannot(`whose packument cannot be had: ${(error as Error).message}`);
  }
  const version = pickVersion(from, dependency.wanted);
  return version === null ? cannot(`which no version at ${from.url} satisfies`) : { from, version };
}
