import type { Readable } from 'node:stream';
import semver from 'semver';
import { isHexDigest, TaskFailure } from '../../../core/plugin-api.js';
import type { PackageManifest } from '../entities/npm-package.js';
import { integrityFromSha512, sha512FromIntegrity } from '../registry/integrity.js';
import type { VersionChoices } from '../registry/pick-version.js';
import { readPackument, type PackumentRead } from './packument-stream.js';

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
 * A package document (packument) of an upstream registry, read as a stream from its staged bytes:
 * first its outline (the versions, dist-tags and deprecations that choosing versions needs), then,
 * each time versions are taken, again for just their documents. Only the versions a sync takes are
 * checked, each when it is taken: a malformed version nobody asked for does not fail a sync.
 */
export class UpstreamPackument implements VersionChoices {
  readonly versions: readonly string[];
  readonly distTags: Readonly<Record<string, string>>;
  private readonly deprecated: ReadonlySet<string>;
  /** The versions loaded so far, each checked, or why it cannot be taken. */
  private readonly loaded = new Map<string, UpstreamVersion | TaskFailure>();

  private constructor(readonly name: string, readonly url: string, outline: PackumentRead, private readonly open: () => Readable) {
    if (!outline.isObject || outline.versions === null) throw this.bad('is not a package document (no "versions")');
    if (outline.name !== undefined && outline.name !== name) throw this.bad(`names the package "${String(outline.name)}"`);
    this.versions = outline.versions.filter((v) => semver.valid(v) === v);
    this.distTags = strings(outline.distTags);
    this.deprecated = outline.deprecated;
  }

  /** Reads the outline of the packument whose bytes `open` reads; fails with BAD_PACKUMENT when it is not one. */
  static async read(name: string, url: string, open: () => Readable): Promise<UpstreamPackument> {
    const outline = await readPackument(open(), new Set()).catch(() => {
      throw new TaskFailure(`The packument of ${name} at ${url} is not JSON`, 'BAD_PACKUMENT');
    });
    return new UpstreamPackument(name, url, outline, open);
  }

  isDeprecated(version: string): boolean {
    return this.deprecated.has(version);
  }

  /** Reads the documents of `versions` (those not read yet) in one pass, for `version()` to give. */
  async load(versions: readonly string[]): Promise<void> {
    const wanted = new Set(versions.filter((v) => !this.loaded.has(v)));
    if (wanted.size === 0) return;
    const read = await readPackument(this.open(), wanted);
    for (const version of wanted) {
      try {
        this.loaded.set(version, this.check(version, read.manifests.get(version), read.times.get(version)));
      } catch (error) {
        if (!(error instanceof TaskFailure)) throw error;
        this.loaded.set(version, error);
      }
    }
  }

  /** A version `load()` read, checked; fails with BAD_PACKUMENT when it cannot be taken. */
  version(version: string): UpstreamVersion {
    const loaded = this.loaded.get(version);
    if (loaded === undefined) throw new Error(`${this.name}@${version} was not loaded`);
    if (loaded instanceof TaskFailure) throw loaded;
    return loaded;
  }

  private check(version: string, manifest: unknown, time: string | undefined): UpstreamVersion {
    const bad = (reason: string) => this.bad(`lists ${this.name}@${version} ${reason}`);
    if (!isObject(manifest)) throw bad('without a version document');
    if (manifest.name !== this.name || manifest.version !== version) throw bad(`as "${String(manifest.name)}@${String(manifest.version)}"`);
    const dist = manifest.dist;
    if (!isObject(dist) || typeof dist.tarball !== 'string' || !/^https?:\/\//i.test(dist.tarball)) throw bad('without an http(s) dist.tarball');
    const sha512 = typeof dist.integrity === 'string' ? sha512FromIntegrity(dist.integrity) : null;
    if (dist.shasum !== undefined && (typeof dist.shasum !== 'string' || !isHexDigest('sha1', dist.shasum))) throw bad('with a dist.shasum that is not a sha1');
    const shasum = typeof dist.shasum === 'string' ? dist.shasum.toLowerCase() : null;
    if (sha512 === null && shasum === null) throw bad('without a sha512 dist.integrity or a dist.shasum to check its tarball against');
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
