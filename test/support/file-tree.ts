import type { Upstream } from './upstream.js';
import { serve } from './upstream.js';
import { sha256 } from './content.js';

/**
 * A remote file repository as pulp_file knows it: files under a directory of an upstream server,
 * and a PULP_MANIFEST listing them. Changing the tree changes what the server serves at once.
 */
export class FileTree {
  private readonly files = new Map<string, Buffer>();
  /** Replaces the generated manifest, to serve a broken one. */
  manifestOverride: string | null = null;

  constructor(private readonly upstream: Upstream, private readonly directory: string) {
    upstream.route(`${directory}PULP_MANIFEST`, (req, res) => serve(this.manifest())(req, res));
  }

  /** The remote URL to sync from. */
  get url(): string {
    return this.upstream.url(this.directory);
  }

  set(path: string, content: string | Buffer): this {
    const bytes = Buffer.from(content);
    this.files.set(path, bytes);
    this.upstream.route(`${this.directory}${path}`, (req, res) => serve(this.files.get(path) ?? Buffer.alloc(0))(req, res));
    return this;
  }

  delete(path: string): this {
    this.files.delete(path);
    this.upstream.route(`${this.directory}${path}`, (_req, res) => {
      res.writeHead(404);
      res.end();
    });
    return this;
  }

  content(path: string): Buffer {
    return this.files.get(path)!;
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  manifest(): string {
    return this.manifestOverride ?? [...this.files].map(([path, bytes]) => `${path},${sha256(bytes)},${bytes.length}\n`).join('');
  }
}
