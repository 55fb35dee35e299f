import { createHash } from 'node:crypto';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import { LruCache } from '../lru-cache.js';

/**
 * Files up to this size are small: fetched on demand, they are verified whole before the answer
 * starts; stored, they are kept in memory once served...
 */
export const SMALL_FILE_BYTES = 64 * 1024;
/** ...up to this many bytes in all. */
const BUDGET = 64 * 1024 * 1024;

/**
 * The bytes of small stored artifacts, for files that are asked for again and again (indexes,
 * manifests, small packages), where opening and reading a file per request would cost more than
 * the request itself. Artifacts are content-addressed, so bytes never go stale; they are kept only
 * once their sha256 checks out, so a corrupted file is never pinned in memory past its repair.
 */
export class SmallArtifacts {
  private readonly cache = new LruCache<string, Buffer>(BUDGET, (bytes) => bytes.length);

  constructor(private readonly storage: ArtifactStorage) {}

  /** The verified bytes of a small artifact; null for a large one, or one whose stored bytes are missing or do not match
   * (the caller streams those, and their errors, as for any other). */
  async bytes(sha256: string, size: number): Promise<Buffer | null> {
    if (size > SMALL_FILE_BYTES) return null;
    const known = this.cache.get(sha256);
    if (known) return known;
    const bytes = await this.read(sha256).catch(() => null);
    if (bytes?.length !== size || createHash('sha256').update(bytes).digest('hex') !== sha256) return null;
    this.cache.set(sha256, bytes);
    return bytes;
  }

  private async read(sha256: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.storage.open(sha256)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
