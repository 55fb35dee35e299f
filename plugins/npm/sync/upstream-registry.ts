import { json } from 'node:stream/consumers';
import { TaskFailure, type StagedFile } from '../../../core/plugin-api.js';
import { escapedName } from '../registry/package-name.js';
import { UpstreamPackument } from './upstream-packument.js';

/**
 * The packuments of an upstream registry, each downloaded once per sync (as the sync's metadata,
 * so of at most LARDER_MAX_METADATA_BYTES). Each is parsed whole with JSON.parse once downloaded:
 * the size limit is what bounds the memory it takes.
 */
export class UpstreamRegistry {
  private readonly fetched = new Map<string, Promise<UpstreamPackument>>();

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

  private async read(name: string): Promise<UpstreamPackument> {
    const url = this.packumentUrl(name);
    const file = await this.download(url);
    try {
      const document = await json(file.open()).catch(() => {
        throw new TaskFailure(`The packument of ${name} at ${url} is not JSON`, 'BAD_PACKUMENT');
      });
      this.onFetched();
      return new UpstreamPackument(name, url, document);
    } finally {
      await file.discard();
    }
  }
}
