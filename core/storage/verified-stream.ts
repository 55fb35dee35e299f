import { Transform, type TransformCallback } from 'node:stream';
import type { Digester, ExpectedDigests } from './digests.js';

/**
 * Passes bytes on while its digester checks them. The last chunk is held back until the end is
 * verified: when the bytes are wrong the stream fails instead of completing, so whatever reads it
 * (a client, a file) never gets a whole wrong file.
 */
export class VerifiedStream<Computed extends ExpectedDigests> extends Transform {
  private held: Buffer | null = null;
  private verified: Computed | null = null;

  constructor(private readonly digester: Digester<Computed>) {
    super();
  }

  /** Only once the stream has ended. */
  get digests(): Computed {
    if (!this.verified) throw new Error('the stream has not ended');
    return this.verified;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.digester.update(chunk);
    } catch (mismatch) {
      callback(mismatch as Error);
      return;
    }
    const previous = this.held;
    this.held = chunk;
    callback(null, previous ?? undefined);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.verified = this.digester.verify();
    } catch (mismatch) {
      callback(mismatch as Error);
      return;
    }
    callback(null, this.held ?? undefined);
  }
}
