import { json } from 'node:stream/consumers';
import { TaskFailure, type Downloader } from '../../../core/plugin-api.js';
import { escapedName } from '../registry/package-name.js';
import { UpstreamPackument } from './upstream-packument.js';

/** The packuments of an upstream registry, each downloaded once per sync (through the remote's downloader). */
export class UpstreamRegistry {
  private readonly fetched = new Map<string, Promise<UpstreamPackument>>();

  constructor(
    private readonly downloader: Downloader,
    private readonly url: string,
    private readonly signal: AbortSignal,
    private readonly onFetched: () => void,
  ) {}

  /** `<registry>/@scope%2fname`, as npm asks for it. */
  packumentUrl(name: string): string {
    return new URL(escapedName(name), this.url.endsWith('/') ? this.url : `${this.url}/`).href;
  }

  packument(name: string): Promise<UpstreamPackument> {
    let packument = this.fetched.get(name);
    if (!packument) this.fetched.set(name, (packument = this.download(name)));
    return packument;
  }

  private async download(name: string): Promise<UpstreamPackument> {
    const url = this.packumentUrl(name);
    const file = await this.downloader.download(url, {}, this.signal);
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
