import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStorage, ByteRange, StagedFile, StagingWriter } from './artifact-storage.js';
import { DigestingStream, isHexDigest, verifyDigests, type ExpectedDigests } from './digests.js';

class FilesystemStagedFile implements StagedFile {
  constructor(readonly path: string, readonly digests: StagedFile['digests']) {}

  open(): Readable {
    return createReadStream(this.path);
  }

  async discard(): Promise<void> {
    await unlink(this.path).catch(() => undefined);
  }
}

/**
 * Artifacts as files under `<root>/artifact/<first two hex digits>/<rest of the sha256>`; new
 * files are written under `<root>/tmp/` on the same file system, so committing is an atomic rename.
 */
export class FilesystemStorage implements ArtifactStorage {
  private readonly tmp: string;
  private ready: Promise<unknown> | null = null;

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
    const digester = new DigestingStream(expected.size);
    const input = new PassThrough();
    let failed: Error | null = null;
    const written = (async () => {
      await (this.ready ??= mkdir(this.tmp, { recursive: true }));
      const file = createWriteStream(path);
      try {
        await pipeline(input, digester, file);
        if (failed) throw failed;
        const digests = digester.digests();
        verifyDigests(digests, expected);
        return new FilesystemStagedFile(path, digests);
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
    const staged = file as FilesystemStagedFile;
    const target = this.path(staged.digests.sha256);
    await mkdir(join(target, '..'), { recursive: true });
    // Replacing is atomic and the bytes are verified, so an existing file (even a damaged one) is simply superseded.
    await rename(staged.path, target);
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
