import semver from 'semver';
import { isHexDigest } from '../../../core/plugin-api.js';
import type { PackageManifest } from '../entities/npm-package.js';
import { sha512FromIntegrity } from '../registry/integrity.js';
import { isDistTagName } from '../registry/package-spec.js';

/** What `npm publish` sends, checked: one new version, its tarball, and the tags to point at it. */
export interface PublishRequest {
  name: string;
  version: string;
  manifest: PackageManifest;
  tarball: Buffer;
  /** What the client says the tarball hashes to (hex), to be checked against its bytes. */
  sha512: string;
  shasum: string | null;
  tags: string[];
}

/** A publish refused before anything is stored, with the HTTP status to answer. */
export class PublishRefused extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const bad = (message: string) => new PublishRefused(400, 'BAD_REQUEST', message);

/**
 * Reads the document `npm publish` PUTs to `/<name>`: `versions` with the one version document,
 * `dist-tags` naming it, and `_attachments` with its tarball in base64.
 */
export function parsePublishDocument(document: unknown, name: string): PublishRequest {
  if (!isObject(document) || document.name !== name) throw bad(`The document must be a package document for ${name}`);
  if (!isObject(document.versions) || Object.keys(document.versions).length !== 1) {
    throw bad('A publish must carry exactly one version document in "versions"');
  }
  const [[version, manifest]] = Object.entries(document.versions) as [[string, unknown]];
  if (semver.valid(version) !== version) throw bad(`"${version}" is not a semantic version`);
  if (!isObject(manifest) || manifest.name !== name || manifest.version !== version) {
    throw bad(`The version document must name ${name}@${version}`);
  }
  const dist = isObject(manifest.dist) ? manifest.dist : {};
  const sha512 = typeof dist.integrity === 'string' ? sha512FromIntegrity(dist.integrity) : null;
  if (sha512 === null) throw bad('dist.integrity must hold the sha512 of the tarball ("sha512-<base64>")');
  if (dist.shasum !== undefined && (typeof dist.shasum !== 'string' || !isHexDigest('sha1', dist.shasum))) {
    throw bad('dist.shasum must be the sha1 of the tarball in hex');
  }
  const attachments = isObject(document._attachments) ? document._attachments : {};
  const attachment = attachments[`${name}-${version}.tgz`];
  if (!isObject(attachment) || typeof attachment.data !== 'string') throw bad(`_attachments must hold the tarball "${name}-${version}.tgz" in base64`);
  const tarball = Buffer.from(attachment.data, 'base64');
  if (attachment.length !== undefined && attachment.length !== tarball.length) {
    throw bad(`The tarball has ${tarball.length} bytes, its attachment says ${String(attachment.length)}`);
  }
  const tags = Object.entries(isObject(document['dist-tags']) ? document['dist-tags'] : {});
  const wrong = tags.find(([tag, target]) => !isDistTagName(tag) || target !== version);
  if (wrong) throw bad(`The dist-tag "${wrong[0]}" must be a tag name pointing at the published version ${version}`);
  return {
    name, version, manifest, tarball, sha512, shasum: typeof dist.shasum === 'string' ? dist.shasum.toLowerCase() : null, tags: tags.map(([tag]) => tag),
  };
}
