import type { DeclarativeUnit } from '../../../core/plugin-api.js';
import { tarballPath } from '../registry/package-name.js';
import type { UpstreamVersion } from './upstream-packument.js';

/** The fields of a stored package, from what upstream lists. */
export function packageFields(version: UpstreamVersion): Record<string, unknown> {
  return {
    name: version.name,
    version: version.version,
    integrity: version.integrity,
    shasum: version.shasum,
    manifest: version.manifest,
    publishedAt: version.publishedAt,
  };
}

/** Selected versions as the core's sync pipeline takes them: each tarball fetched from upstream, checked against sha512 and sha1. */
export function packageUnits(versions: readonly UpstreamVersion[]): DeclarativeUnit[] {
  return versions.map((version) => ({
    fields: packageFields(version),
    files: [{
      relativePath: tarballPath(version.name, version.version),
      url: version.tarball,
      expected: { ...(version.sha512 ? { sha512: version.sha512 } : {}), ...(version.shasum ? { sha1: version.shasum } : {}) },
    }],
  }));
}
