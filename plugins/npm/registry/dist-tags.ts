import semver from 'semver';

/**
 * The dist-tags a packument shows for the versions present: every tag unit that points at one of
 * them, and — unless a tag unit says otherwise — `latest` as the highest release by semver (never
 * by string order: 1.10.0 is above 1.9.0), or the highest prerelease when there is no release.
 */
export function distTags(versions: readonly string[], tags: ReadonlyArray<{ tag: string; version: string }>): Record<string, string> {
  const present = new Set(versions);
  const result: Record<string, string> = {};
  for (const { tag, version } of tags) if (present.has(version)) result[tag] = version;
  if (!result.latest && versions.length > 0) {
    const newestFirst = semver.rsort([...versions]);
    result.latest = newestFirst.find((v) => semver.prerelease(v) === null) ?? newestFirst[0]!;
  }
  return result;
}
