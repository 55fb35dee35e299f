import semver from 'semver';
import type { NpmDistTag } from '../entities/npm-dist-tag.js';
import type { NpmPackage, PackageManifest } from '../entities/npm-package.js';
import { distTags } from './dist-tags.js';
import { tarballPath } from './package-name.js';

/** The full package document, as `npm view` and a registry's `application/json` give it. */
export interface Packument {
  _id: string;
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, PackageManifest>;
  time: Record<string, string>;
  [field: string]: unknown;
}

/** The abbreviated document npm installs from (`application/vnd.npm.install-v1+json`). */
export interface AbbreviatedPackument {
  name: string;
  modified: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, PackageManifest>;
}

/** What a registry copies from the latest version's document to the top of the packument. */
const PACKAGE_FIELDS = ['description', 'homepage', 'keywords', 'repository', 'author', 'bugs', 'license', 'maintainers', 'readme'];

/** The fields of a version document that installing needs (the registry's abbreviated metadata). */
const INSTALL_FIELDS = [
  'name', 'version', 'deprecated', 'dependencies', 'optionalDependencies', 'devDependencies', 'bundleDependencies',
  'peerDependencies', 'peerDependenciesMeta', 'acceptDependencies', 'bin', 'directories', 'dist', 'engines', 'os', 'cpu',
  'libc', '_hasShrinkwrap', 'hasInstallScript', 'funding',
];

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

function pick(document: PackageManifest, fields: readonly string[]): PackageManifest {
  return Object.fromEntries(fields.filter((f) => document[f] !== undefined).map((f) => [f, document[f]]));
}

/** The version document as Larder serves it: upstream's, with the tarball at Larder and the digests it checked. */
function versionDocument(pkg: NpmPackage, baseUrl: string): PackageManifest {
  const dist = typeof pkg.manifest.dist === 'object' && pkg.manifest.dist !== null ? pkg.manifest.dist : {};
  return {
    ...pkg.manifest,
    name: pkg.name,
    version: pkg.version,
    _id: `${pkg.name}@${pkg.version}`,
    dist: {
      ...dist,
      tarball: `${baseUrl}${tarballPath(pkg.name, pkg.version)}`,
      ...(pkg.integrity ? { integrity: pkg.integrity } : {}),
      ...(pkg.shasum ? { shasum: pkg.shasum } : {}),
    },
  };
}

/**
 * The packument of the versions of one package a repository version holds (at least one), with
 * tarball URLs under `baseUrl`, the distribution's URL. Versions appear in semver order.
 */
export function buildPackument(name: string, packages: readonly NpmPackage[], tags: readonly NpmDistTag[], baseUrl: string): Packument {
  const ordered = [...packages].sort((a, b) => semver.compare(a.version, b.version));
  const published = (pkg: NpmPackage) => (pkg.publishedAt ?? pkg.createdAt).toISOString();
  const times = ordered.map(published).sort();
  const tagged = distTags(ordered.map((p) => p.version), tags);
  const latest = ordered.find((p) => p.version === tagged.latest) ?? ordered.at(-1)!;
  return {
    ...pick(latest.manifest, PACKAGE_FIELDS),
    _id: name,
    name,
    'dist-tags': tagged,
    versions: Object.fromEntries(ordered.map((pkg) => [pkg.version, versionDocument(pkg, baseUrl)])),
    time: { created: times[0]!, modified: times.at(-1)!, ...Object.fromEntries(ordered.map((pkg) => [pkg.version, published(pkg)])) },
  };
}

/** The abbreviated form of a packument: per version only what installing needs. */
export function abbreviate(packument: Packument): AbbreviatedPackument {
  return {
    name: packument.name,
    modified: packument.time.modified!,
    'dist-tags': packument['dist-tags'],
    versions: Object.fromEntries(Object.entries(packument.versions).map(([version, document]) => {
      const scripts = typeof document.scripts === 'object' && document.scripts !== null ? Object.keys(document.scripts) : [];
      const installs = document.hasInstallScript === true || scripts.some((s) => INSTALL_SCRIPTS.includes(s));
      return [version, { ...pick(document, INSTALL_FIELDS), ...(installs ? { hasInstallScript: true } : {}) }];
    })),
  };
}
