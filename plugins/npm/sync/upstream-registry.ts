import type { StagedFile } from '../../../core/plugin-api.js';
import { escapedName } from '../registry/package-name.js';
import { UpstreamPackument } from './upstream-packument.js';

/**
 * The packuments of an upstream registry, each downloaded once per sync (as the sync's metadata,
 * so of at most LARDER_MAX_METADATA_BYTES, a limit the download enforces before a byte is parsed).
 * Each stays staged until `close()`: it is read as a stream, once for its outline and again for the
 * documents of the versions taken, so a packument of tens of MB never sits in memory whole.
 */
export class UpstreamRegistry {
  private readonly fetched = new Map<string, Promise<UpstreamPackument>>();
  private readonly staged = new Set<StagedFile>();

  constructor(
    private readonly download: (url: string) => Promise<StagedFile>,
    private readonly url: string,
    private readonly onFetched: () => void,
  ) {}

  /** `<registry>/@scope%2fname`, as npm asks for it. */
  packumentUrl(name: string): string {
    return new URL(escapedName(name), this.url.endsWith('/') ? this.url : `${this.url}/`).href;
  }

  packument(name: string): Promise<UpstreamPackument> {
    let packument = this.fetched.get(name);
    if (!packument) this.fetched.set(name, (packument = this.read(name)));
    return packument;
  }

  /** Discards every staged packument, once no download or read of one is under way. */
  async close(): Promise<void> {
    await Promise.allSettled(this.fetched.values());
    await Promise.all([...this.staged].map((file) => file.discard()));
    this.staged.clear();
  }

  private async read(name: string): Promise<UpstreamPackument> {
    const url = this.packumentUrl(name);
    const file = await this.download(url);
    this.staged.add(file);
    try {
      const packument = await UpstreamPackument.read(name, url, () => file.open());
      this.onFetched();
      return packument;
    } catch (error) {
      this.staged.delete(file);
      await file.discard();
      throw error;
    }
  }
}
