import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DIGEST_ALGORITHMS, DigestMismatch, SizeMismatch, type DigestAlgorithm, type ExpectedDigests } from '../storage/digests.js';

/**
 * Passes bytes on to a client while checking them against what upstream metadata promised. The
 * last chunk is held back until the end is verified: when the bytes are wrong the stream fails
 * instead of completing, so the client sees a broken download rather than a wrong file.
 */
export class VerifiedStream extends Transform {
  /** Only the digests that were promised are computed. */
  private readonly hashes: Array<[DigestAlgorithm, Hash]>;
  private size = 0;
  private held: Buffer | null = null;

  constructor(private readonly expected: ExpectedDigests, private readonly what: string) {
    super();
    this.hashes = DIGEST_ALGORITHMS.filter((a) => expected[a]).map((a) => [a, createHash(a)]);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.expected.size !== undefined && this.size > this.expected.size) {
      callback(new SizeMismatch(`${this.what} is longer than the expected ${this.expected.size} bytes`));
      return;
    }
    for (const [, hash] of this.hashes) hash.update(chunk);
    const previous = this.held;
    this.held = chunk;
    callback(null, previous ?? undefined);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected.size !== undefined && this.size !== this.expected.size) {
      callback(new SizeMismatch(`${this.what} has ${this.size} bytes, expected ${this.expected.size}`));
      return;
    }
    for (const [algorithm, hash] of this.hashes) {
      const actual = hash.digest('hex');
      if (actual !== this.expected[algorithm]!.toLowerCase()) {
        callback(new DigestMismatch(`${this.what} has ${algorithm} ${actual}, expected ${this.expected[algorithm]}`));
        return;
      }
    }
    callback(null, this.held ?? undefined);
  }
}
