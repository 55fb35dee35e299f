import { serve, Upstream } from '../../../../test/plugin-testing.js';
import { packTarball, tarballDigests } from './tarball.js';

/** A package version made for a test: its manifest fields beyond name and version, and what its index.js exports. */
export interface FixtureVersion {
  name: string;
  version: string;
  /** Fields of package.json; a `dist` here overrides what the packument says of the tarball. */
  manifest?: Record<string, unknown>;
  /** What `require(name)` returns, as JSON. */
  exports?: unknown;
}

interface Listed {
  document: Record<string, unknown>;
  tarball: Buffer;
}

/**
 * An npm registry for tests on 127.0.0.1: packuments at `/registry/<name>` (scoped names with the
 * slash encoded or not) and real gzipped tarballs at `/registry/<name>/-/<name>-<version>.tgz`,
 * made from the versions a test adds.
 */
export class FixtureRegistry {
  private readonly packages = new Map<string, Map<string, Listed>>();
  private readonly tags = new Map<string, Record<string, string>>();

  private constructor(readonly upstream: Upstream) {}

  static async start(): Promise<FixtureRegistry> {
    return new FixtureRegistry(await Upstream.start());
  }

  get url(): string {
    return this.upstream.url('/registry/');
  }

  tarballPath(name: string, version: string): string {
    return `/registry/${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
  }

  /** Adds a version as `npm publish` would upstream, moving `tag` to it; returns its tarball. */
  add(fixture: FixtureVersion, tag = 'latest'): Buffer {
    const { name, version } = fixture;
    const manifest = { name, version, main: 'index.js', ...fixture.manifest };
    const tarball = packTarball({
      'package.json': JSON.stringify(manifest, null, 2),
      'index.js': `module.exports = ${JSON.stringify(fixture.exports ?? `${name}@${version}`)};\n`,
    });
    const path = this.tarballPath(name, version);
    const dist = { ...tarballDigests(tarball), tarball: this.upstream.url(path), ...(fixture.manifest?.dist as object | undefined) };
    const document = { ...manifest, _id: `${name}@${version}`, dist };
    if (!this.packages.has(name)) {
      this.packages.set(name, new Map());
      this.upstream.route(`/registry/${name}`, (req, res) => serve(JSON.stringify(this.packument(name)), { 'content-type': 'application/json' })(req, res));
    }
    this.packages.get(name)!.set(version, { document, tarball });
    this.upstream.route(path, (req, res) => serve(this.packages.get(name)!.get(version)!.tarball)(req, res));
    this.tag(name, tag, version);
    return tarball;
  }

  tag(name: string, tag: string, version: string): this {
    this.tags.set(name, { ...this.tags.get(name), [tag]: version });
    return this;
  }

  /** Serves other bytes for a tarball than its packument promises. */
  tamper(name: string, version: string): void {
    const listed = this.packages.get(name)!.get(version)!;
    listed.tarball = packTarball({ 'package.json': JSON.stringify({ name, version }), 'index.js': 'module.exports = "tampered";\n' });
  }

  packument(name: string): Record<string, unknown> {
    const versions = this.packages.get(name)!;
    return {
      _id: name,
      name,
      'dist-tags': this.tags.get(name) ?? {},
      versions: Object.fromEntries([...versions].map(([version, listed]) => [version, listed.document])),
      time: Object.fromEntries([...versions.keys()].map((version, i) => [version, new Date(Date.UTC(2024, 0, 1 + i)).toISOString()])),
    };
  }

  hits(path: string): number {
    return this.upstream.hits(path);
  }

  close(): Promise<void> {
    return this.upstream.close();
  }
}
