import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isUuid } from '../db/uuid7.js';

/** The body of a chunk had more or fewer bytes than its Content-Range said. */
export class ChunkLengthMismatch extends Error {}

/** Passes a chunk's body on, failing with a ChunkLengthMismatch unless it has exactly `length` bytes. */
function exactly(length: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > length) callback(new ChunkLengthMismatch(`the body is longer than the ${length} bytes of its Content-Range`));
      else callback(null, chunk);
    },
    flush(callback) {
      callback(seen < length ? new ChunkLengthMismatch(`the body has ${seen} bytes, its Content-Range says ${length}`) : null);
    },
  });
}

/** The files of uploads in progress: `<storage>/upload/<upload id>`, written chunk by chunk at their offsets. */
export class UploadFiles {
  private readonly dir: string;

  constructor(storagePath: string) {
    this.dir = join(storagePath, 'upload');
  }

  path(id: string): string {
    if (!isUuid(id)) throw new Error(`"${id}" is not an upload id`);
    return join(this.dir, id.toLowerCase());
  }

  /** A sparse file of the upload's size, so chunks can land in any order. */
  async create(id: string, size: number): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = await open(this.path(id), 'w');
    try {
      await file.truncate(size);
    } finally {
      await file.close();
    }
  }

  /** Writes exactly `length` bytes from `body` at `start`; anything else is a ChunkLengthMismatch. */
  async write(id: string, start: number, length: number, body: Readable): Promise<void> {
    await pipeline(body, exactly(length), createWriteStream(this.path(id), { flags: 'r+', start }));
  }

  /**
   * Whether `body` holds the very bytes at `start` (exactly `length` of them, else a
   * ChunkLengthMismatch). A body that differs is still read to its end, so the client hears the answer.
   */
  async holds(id: string, start: number, length: number, body: Readable): Promise<boolean> {
    const file = await open(this.path(id), 'r');
    let same = true;
    let position = start;
    try {
      await pipeline(body, exactly(length), async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          if (!same) continue;
          const stored = Buffer.alloc(chunk.length);
          await file.read(stored, 0, chunk.length, position);
          same = stored.equals(chunk);
          position += chunk.length;
        }
      });
    } finally {
      await file.close();
    }
    return same;
  }

  read(id: string): Readable {
    return createReadStream(this.path(id));
  }

  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }
}
