import semver from 'semver';
import { isPackageName } from './package-name.js';

/** What to take of one package: every version, the versions in a semver range, or the one a dist-tag names. */
export type VersionWanted =
  | { kind: 'all' }
  | { kind: 'range'; range: string }
  | { kind: 'tag'; tag: string };

export interface PackageSpec {
  name: string;
  wanted: VersionWanted;
}

/** A dist-tag name as npm allows it: URL-safe, and not something that reads as a version range. */
export function isDistTagName(tag: string): boolean {
  return tag !== '' && encodeURIComponent(tag) === tag && semver.validRange(tag, { loose: true }) === null;
}

/** `range` as npm reads it after `name@`: a semver range (empty is `*`), else a dist-tag; null when it is neither. */
export function versionWanted(range: string): Exclude<VersionWanted, { kind: 'all' }> | null {
  if (semver.validRange(range, { loose: true }) !== null) return { kind: 'range', range };
  return isDistTagName(range) ? { kind: 'tag', tag: range } : null;
}

/** `left-pad` (every version), `@scope/pkg@^2`, `pkg@1.2.3`, `pkg@next`; null for anything else. */
export function parsePackageSpec(text: string): PackageSpec | null {
  const spec = text.trim();
  const at = spec.indexOf('@', 1);
  const name = at < 0 ? spec : spec.slice(0, at);
  if (!isPackageName(name)) return null;
  if (at < 0) return { name, wanted: { kind: 'all' } };
  const range = spec.slice(at + 1);
  const wanted = range.trim() === '' ? null : versionWanted(range);
  return wanted ? { name, wanted } : null;
}
