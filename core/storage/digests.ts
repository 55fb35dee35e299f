import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ExpectedFailure } from '../expected-failure.js';

/** The digests Larder keeps of every artifact: sha256 names it; the others serve clients (npm, PULP_MANIFEST). */
export interface Digests {
  size: number;
  sha256: string;
  sha512: string;
  sha1: string;
  md5: string;
}

/** What a file is expected to be; every given field is checked. */
export type ExpectedDigests = Partial<Digests>;

export const DIGEST_ALGORITHMS = ['sha256', 'sha512', 'sha1', 'md5'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** An error whose code says the bytes were not the ones promised; nothing is stored after one. */
export class DigestMismatch extends ExpectedFailure {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'DIGEST_MISMATCH', options);
  }
}

export class SizeMismatch extends ExpectedFailure {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'SIZE_MISMATCH', options);
  }
}

/** Every digest Larder keeps, computed over bytes given in one piece or several. */
export class Digester {
  private readonly hashes: Record<DigestAlgorithm, Hash> = {
    sha256: createHash('sha256'), sha512: createHash('sha512'), sha1: createHash('sha1'), md5: createHash('md5'),
  };
  size = 0;

  update(bytes: Buffer): void {
    this.size += bytes.length;
    for (const hash of Object.values(this.hashes)) hash.update(bytes);
  }

  /** Only once every byte was given. */
  digests(): Digests {
    return {
      size: this.size,
      sha256: this.hashes.sha256.digest('hex'),
      sha512: this.hashes.sha512.digest('hex'),
      sha1: this.hashes.sha1.digest('hex'),
      md5: this.hashes.md5.digest('hex'),
    };
  }
}

/** Passes bytes through unchanged, counting them and computing every digest on the way. */
export class DigestingStream extends Transform {
  private readonly digester = new Digester();

  /** `maxSize` stops a stream that grows past what was promised, before it fills the disk. */
  constructor(private readonly maxSize = Infinity) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.digester.size + chunk.length > this.maxSize) {
      callback(new SizeMismatch(`more than the expected ${this.maxSize} bytes`));
      return;
    }
    this.digester.update(chunk);
    callback(null, chunk);
  }

  /** Only once the stream has ended. */
  digests(): Digests {
    return this.digester.digests();
  }
}

/** Throws when `actual` differs from anything `expected` states. */
export function verifyDigests(actual: Digests, expected: ExpectedDigests, what = 'the file'): void {
  if (expected.size !== undefined && expected.size !== actual.size) {
    throw new SizeMismatch(`${what} has ${actual.size} bytes, expected ${expected.size}`);
  }
  for (const algorithm of DIGEST_ALGORITHMS) {
    const want = expected[algorithm]?.toLowerCase();
    if (want !== undefined && want !== actual[algorithm]) {
      throw new DigestMismatch(`${what} has ${algorithm} ${actual[algorithm]}, expected ${want}`);
    }
  }
}

const HEX_LENGTH = { sha256: 64, sha512: 128, sha1: 40, md5: 32 } as const;

export function isHexDigest(algorithm: keyof typeof HEX_LENGTH, value: string): boolean {
  return value.length === HEX_LENGTH[algorithm] && /^[0-9a-f]+$/i.test(value);
}
