import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatch, SizeMismatch, type ExpectedDigests } from '../storage/digests.js';

/**
 * Passes bytes on to a client while checking them against what upstream metadata promised. The
 * last chunk is held back until the end is verified: when the bytes are wrong the stream fails
 * instead of completing, so the client sees a broken download rather than a wrong file.
 */
export class VerifiedStream extends Transform {
  private readonly hash = createHash('sha256');
  private size = 0;
  private held: Buffer | null = null;

  constructor(private readonly expected: ExpectedDigests, private readonly what: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.expected.size !== undefined && this.size > this.expected.size) {
      callback(new SizeMismatch(`${this.what} is longer than the expected ${this.expected.size} bytes`));
      return;
    }
    this.hash.update(chunk);
    const previous = this.held;
    this.held = chunk;
    callback(null, previous ?? undefined);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected.size !== undefined && this.size !== this.expected.size) {
      callback(new SizeMismatch(`${this.what} has ${this.size} bytes, expected ${this.expected.size}`));
      return;
    }
    const sha256 = this.hash.digest('hex');
    if (this.expected.sha256 && this.expected.sha256 !== sha256) {
      callback(new DigestMismatch(`${this.what} has sha256 ${sha256}, expected ${this.expected.sha256}`));
      return;
    }
    callback(null, this.held ?? undefined);
  }
}
