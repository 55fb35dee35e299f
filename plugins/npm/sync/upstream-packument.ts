import semver from 'semver';
import { isHexDigest, TaskFailure } from '../../../core/plugin-api.js';
import type { PackageManifest } from '../entities/npm-package.js';
import { integrityFromSha512, sha512FromIntegrity } from '../registry/integrity.js';
import type { VersionChoices } from '../registry/pick-version.js';

/** One version as upstream lists it, checked: where its tarball is and what it must hash to. */
export interface UpstreamVersion {
  name: string;
  version: string;
  manifest: PackageManifest;
  tarball: string;
  /** `sha512-<base64>`, when upstream gave a sha512. */
  integrity: string | null;
  /** The same sha512 as hex, as the artifact store checks it. */
  sha512: string | null;
  shasum: string | null;
  publishedAt: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function strings(value: unknown): Record<string, string> {
  return isObject(value) ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
}

/**
 * A package document (packument) of an upstream registry. Only the versions a sync takes are
 * checked, each when it is taken: a malformed version nobody asked for does not fail a sync.
 */
export class UpstreamPackument implements VersionChoices {
  readonly versions: readonly string[];
  readonly distTags: Readonly<Record<string, string>>;
  private readonly documents: Record<string, unknown>;
  private readonly times: Record<string, string>;

  constructor(readonly name: string, readonly url: string, document: unknown) {
    if (!isObject(document) || !isObject(document.versions)) throw this.bad('is not a package document (no "versions")');
    if (document.name !== undefined && document.name !== name) throw this.bad(`names the package "${String(document.name)}"`);
    this.documents = document.versions;
    this.versions = Object.keys(document.versions).filter((v) => semver.valid(v) === v);
    this.distTags = strings(document['dist-tags']);
    this.times = strings(document.time);
  }

  isDeprecated(version: string): boolean {
    const manifest = this.documents[version];
    return isObject(manifest) && typeof manifest.deprecated === 'string' && manifest.deprecated !== '';
  }

  version(version: string): UpstreamVersion {
    const manifest = this.documents[version];
    const bad = (reason: string) => this.bad(`lists ${this.name}@${version} ${reason}`);
    if (!isObject(manifest)) throw bad('without a version document');
    if (manifest.name !== this.name || manifest.version !== version) throw bad(`as "${String(manifest.name)}@${String(manifest.version)}"`);
    const dist = manifest.dist;
    if (!isObject(dist) || typeof dist.tarball !== 'string' || !/^https?:\/\//i.test(dist.tarball)) throw bad('without an http(s) dist.tarball');
    const sha512 = typeof dist.integrity === 'string' ? sha512FromIntegrity(dist.integrity) : null;
    if (dist.shasum !== undefined && (typeof dist.shasum !== 'string' || !isHexDigest('sha1', dist.shasum))) throw bad('with a dist.shasum that is not a sha1');
    const shasum = typeof dist.shasum === 'string' ? dist.shasum.toLowerCase() : null;
    if (sha512 === null && shasum === null) throw bad('without a sha512 dist.integrity or a dist.shasum to check its tarball against');
    const time = this.times[version];
    return {
      name: this.name,
      version,
      manifest,
      tarball: dist.tarball,
      integrity: sha512 === null ? null : integrityFromSha512(sha512),
      sha512,
      shasum,
      publishedAt: time !== undefined && !Number.isNaN(Date.parse(time)) ? new Date(time).toISOString() : null,
    };
  }

  private bad(reason: string): TaskFailure {
    return new TaskFailure(`The packument of ${this.name} at ${this.url} ${reason}`, 'BAD_PACKUMENT');
  }
}
