import semver from 'semver';
import type { VersionWanted } from './package-spec.js';

/** What choosing a version needs to know of a package. */
export interface VersionChoices {
  versions: readonly string[];
  distTags: Readonly<Record<string, string>>;
  isDeprecated(version: string): boolean;
}

/**
 * The version npm installs for a dependency (npm-pick-manifest's rule, without the client's engines):
 * a tag's version; for a range, the `latest` tag's version when it satisfies the range and is not
 * deprecated, else the highest satisfying version, preferring ones not deprecated. Null when none fits.
 */
export function pickVersion(choices: VersionChoices, wanted: Exclude<VersionWanted, { kind: 'all' }>): string | null {
  if (wanted.kind === 'tag') {
    const version = choices.distTags[wanted.tag];
    return version !== undefined && choices.versions.includes(version) ? version : null;
  }
  const range = wanted.range.trim() === '' ? '*' : wanted.range;
  const latest = choices.distTags.latest;
  if (latest !== undefined && choices.versions.includes(latest) && semver.satisfies(latest, range, { loose: true }) && !choices.isDeprecated(latest)) {
    return latest;
  }
  const fitting = choices.versions.filter((v) => semver.satisfies(v, range, { loose: true }));
  const best = (candidates: string[]) => (candidates.length > 0 ? semver.rsort(candidates)[0]! : null);
  return best(fitting.filter((v) => !choices.isDeprecated(v))) ?? best(fitting);
}

/** Every version a remote's spec asks for: all of them, those in a range, or the one a tag names. */
export function matchingVersions(choices: VersionChoices, wanted: VersionWanted): string[] {
  switch (wanted.kind) {
    case 'all': return [...choices.versions];
    case 'range': return choices.versions.filter((v) => semver.satisfies(v, wanted.range, { loose: true }));
    case 'tag': {
      const version = pickVersion(choices, wanted);
      return version === null ? [] : [version];
    }
  }
}
