import { Transform } from 'node:stream';
import { ExpectedFailure } from '../expected-failure.js';

/** An upstream metadata document over LARDER_MAX_METADATA_BYTES: refused, and never asked for again in the same sync. */
export class MetadataTooLarge extends ExpectedFailure {
  constructor(url: string, limit: number) {
    super(`${url} has more than ${limit} bytes, the most LARDER_MAX_METADATA_BYTES allows a metadata document`, 'METADATA_TOO_LARGE', {
      details: { url, limit },
    });
  }
}

/** Passes the bytes of `url` on until they pass `limit`, then fails with MetadataTooLarge. */
export function metadataLimit(url: string, limit: number): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > limit ? new MetadataTooLarge(url, limit) : null, chunk);
    },
  });
}
