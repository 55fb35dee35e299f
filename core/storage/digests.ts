import { createHash, type Hash } from 'node:crypto';
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

/**
 * Counts and hashes bytes given in one piece or several, and checks them against what was
 * promised: the one check of every byte Larder stages, stores or passes on, whether it arrives in
 * memory, through a stream into a file or on its way to a client.
 */
export class Digester<Computed extends ExpectedDigests = Digests> {
  size = 0;
  private readonly hashes: Array<[DigestAlgorithm, Hash]>;

  private constructor(private readonly expected: ExpectedDigests, private readonly what: string, algorithms: readonly DigestAlgorithm[]) {
    this.hashes = algorithms.map((algorithm) => [algorithm, createHash(algorithm)]);
  }

  /** Computes every digest an artifact keeps. */
  static all(expected: ExpectedDigests = {}, what = 'the file'): Digester<Digests> {
    return new Digester(expected, what, DIGEST_ALGORITHMS);
  }

  /** Computes only the digests `expected` names: enough for bytes that are passed on, not kept (each costs CPU per byte). */
  static promised(expected: ExpectedDigests, what = 'the file'): Digester<ExpectedDigests & { size: number }> {
    return new Digester(expected, what, DIGEST_ALGORITHMS.filter((algorithm) => expected[algorithm]));
  }

  /** Throws a SizeMismatch as soon as the bytes grow past the promised size, before they fill memory or a disk. */
  update(bytes: Buffer): void {
    if (this.expected.size !== undefined && this.size + bytes.length > this.expected.size) {
      throw new SizeMismatch(`${this.what} has more than the expected ${this.expected.size} bytes`);
    }
    this.size += bytes.length;
    for (const [, hash] of this.hashes) hash.update(bytes);
  }

  /** Once every byte was given: the digests, or a SizeMismatch or DigestMismatch when they are not the promised ones. */
  verify(): Computed {
    if (this.expected.size !== undefined && this.size !== this.expected.size) {
      throw new SizeMismatch(`${this.what} has ${this.size} bytes, expected ${this.expected.size}`);
    }
    const digests: ExpectedDigests = { size: this.size };
    for (const [algorithm, hash] of this.hashes) {
      const actual = (digests[algorithm] = hash.digest('hex'));
      const want = this.expected[algorithm]?.toLowerCase();
      if (want !== undefined && want !== actual) throw new DigestMismatch(`${this.what} has ${algorithm} ${actual}, expected ${want}`);
    }
    return digests as Computed;
  }
}

const HEX_LENGTH = { sha256: 64, sha512: 128, sha1: 40, md5: 32 } as const;

export function isHexDigest(algorithm: keyof typeof HEX_LENGTH, value: string): boolean {
  return value.length === HEX_LENGTH[algorithm] && /^[0-9a-f]+$/i.test(value);
}
