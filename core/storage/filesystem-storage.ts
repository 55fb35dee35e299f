import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStorage, ByteRange, StagedFile, StagingWriter } from './artifact-storage.js';
import { Digester, isHexDigest, type ExpectedDigests } from './digests.js';
import { readVerified } from './verified-bytes.js';
import { VerifiedStream } from './verified-stream.js';

class FilesystemStagedFile implements StagedFile {
  constructor(readonly path: string, readonly digests: StagedFile['digests']) {}

  open(): Readable {
    return createReadStream(this.path);
  }

  async discard(): Promise<void> {
    await unlink(this.path).catch(() => undefined);
  }
}

/** A small verified file, held in memory until it is committed: nothing to write or remove before then. */
class MemoryStagedFile implements StagedFile {
  constructor(readonly bytes: Buffer, readonly digests: StagedFile['digests']) {}

  open(): Readable {
    return Readable.from([this.bytes]);
  }

  async discard(): Promise<void> {}
}

/**
 * Files promised to be at most this big are staged in memory: for the many small files of a sync,
 * a temporary file and its streams cost far more than the bytes (a batch holds at most a few MB).
 */
const IN_MEMORY_BYTES = 16 * 1024;

/**
 * Artifacts as files under `<root>/artifact/<first two hex digits>/<rest of the sha256>`; new
 * files are written under `<root>/tmp/` on the same file system, so committing is an atomic rename
 * (a small new one, staged in memory, is written in place at its commit).
 */
export class FilesystemStorage implements ArtifactStorage {
  private readonly tmp: string;
  private ready: Promise<unknown> | null = null;
  /** Artifact directories known to exist (256 at most): a commit then costs no mkdir. */
  private readonly directories = new Set<string>();

  constructor(readonly root: string) {
    this.tmp = join(root, 'tmp');
  }

  /** Where the artifact with this sha256 lives; the name is checked, so it never leaves the root. */
  path(sha256: string): string {
    if (!isHexDigest('sha256', sha256)) throw new Error(`"${sha256}" is not a sha256 hex digest`);
    const hex = sha256.toLowerCase();
    return join(this.root, 'artifact', hex.slice(0, 2), hex.slice(2));
  }

  async stage(source: Readable, expected: ExpectedDigests = {}, signal?: AbortSignal): Promise<StagedFile> {
    if (expected.size !== undefined && expected.size <= IN_MEMORY_BYTES) {
      const { bytes, digests } = await readVerified(source, Digester.all(expected), signal);
      return new MemoryStagedFile(bytes, digests);
    }
    const writer = this.writer(expected);
    try {
      await pipeline(source, writer.stream, { signal });
    } catch (error) {
      writer.abort(error as Error);
      await writer.staged().catch(() => undefined);
      throw error;
    }
    return writer.staged();
  }

  writer(expected: ExpectedDigests = {}): StagingWriter {
    const path = join(this.tmp, randomUUID());
    const verified = new VerifiedStream(Digester.all(expected));
    const input = new PassThrough();
    let failed: Error | null = null;
    const written = (async () => {
      await (this.ready ??= mkdir(this.tmp, { recursive: true }));
      const file = createWriteStream(path);
      try {
        await pipeline(input, verified, file);
        if (failed) throw failed;
        return new FilesystemStagedFile(path, verified.digests);
      } catch (error) {
        // A source that fails at once fails the pipeline while the file is still being created:
        // removing it before then would leave it behind.
        if (!file.closed) await new Promise<void>((resolve) => file.once('close', resolve));
        await unlink(path).catch(() => undefined);
        throw failed ?? error;
      }
    })();
    written.catch(() => undefined);
    return {
      stream: input,
      staged: () => written,
      abort: (error) => {
        failed ??= error;
        input.destroy(error);
      },
    };
  }

  async commit(file: StagedFile): Promise<void> {
    const target = this.path(file.digests.sha256);
    const directory = dirname(target);
    if (!this.directories.has(directory)) {
      await mkdir(directory, { recursive: true });
      this.directories.add(directory);
    }
    let source: string;
    if (file instanceof MemoryStagedFile) {
      // A new artifact is written in place: it has no row until its commit is over, so no one reads it
      // before. One that is there already (perhaps damaged, perhaps half-written by a crash) is
      // superseded whole, through a temporary file, as a large one is.
      try {
        await writeFile(target, file.bytes, { flag: 'wx' });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      source = join(this.tmp, randomUUID());
      await (this.ready ??= mkdir(this.tmp, { recursive: true }));
      await writeFile(source, file.bytes);
    } else {
      source = (file as FilesystemStagedFile).path;
    }
    await rename(source, target);
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    try {
      return { size: (await stat(this.path(sha256))).size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  open(sha256: string, range?: ByteRange): Readable {
    return createReadStream(this.path(sha256), range ? { start: range.start, end: range.end } : {});
  }

  async remove(sha256: string): Promise<void> {
    await unlink(this.path(sha256)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}
