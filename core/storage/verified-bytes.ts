import type { Readable } from 'node:stream';
import type { Digester, ExpectedDigests } from './digests.js';

/**
 * Reads a small source whole while `digester` checks it, failing as soon as it grows past the
 * promised size. Plain events rather than an async iterator or a pipeline: per file of a large
 * sync, those cost more than the bytes.
 */
export function readVerified<Computed extends ExpectedDigests>(
  source: Readable, digester: Digester<Computed>, signal?: AbortSignal,
): Promise<{ bytes: Buffer; digests: Computed }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const settle = (error: unknown) => {
      signal?.removeEventListener('abort', aborted);
      if (error === null) {
        try {
          resolve({ digests: digester.verify(), bytes: Buffer.concat(chunks) });
        } catch (mismatch) {
          reject(mismatch);
        }
        return;
      }
      source.destroy();
      reject(signal?.aborted ? signal.reason : error);
    };
    const aborted = () => settle(signal!.reason);
    if (signal?.aborted) return void settle(signal.reason);
    signal?.addEventListener('abort', aborted, { once: true });
    source.on('data', (chunk: Buffer) => {
      try {
        digester.update(chunk);
      } catch (mismatch) {
        return void settle(mismatch);
      }
      chunks.push(chunk);
    });
    source.once('end', () => settle(null));
    source.once('error', settle);
  });
}
