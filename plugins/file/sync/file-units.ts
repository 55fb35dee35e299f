import type { Readable } from 'node:stream';
import { resolveUrl, type DeclarativeUnit } from '../../../core/plugin-api.js';
import { manifestEntries } from './manifest.js';

/** The files a manifest lists, as the core's sync pipeline takes them; each is fetched relative to the remote's URL. */
export async function* fileUnits(manifest: Readable, remoteUrl: string): AsyncGenerator<DeclarativeUnit> {
  for await (const entry of manifestEntries(manifest)) {
    yield {
      fields: { relativePath: entry.relativePath, digest: entry.sha256 },
      files: [{
        relativePath: entry.relativePath,
        url: resolveUrl(remoteUrl, entry.relativePath),
        expected: { sha256: entry.sha256, size: entry.size },
      }],
    };
  }
}
