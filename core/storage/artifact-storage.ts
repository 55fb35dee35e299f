import type { Readable, Writable } from 'node:stream';
import type { Digests, ExpectedDigests } from './digests.js';

/** A verified file waiting in the store's temporary area, to be committed or discarded. */
export interface StagedFile {
  readonly digests: Digests;
  /** Reads the staged bytes (e.g. to parse a downloaded manifest before discarding it). */
  open(): Readable;
  discard(): Promise<void>;
}

/** A writer into the temporary area; `staged()` settles once the bytes are written and verified. */
export interface StagingWriter {
  readonly stream: Writable;
  staged(): Promise<StagedFile>;
  /** Stops the write and removes what was written (e.g. when the source failed). */
  abort(error: Error): void;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP. */
  end: number;
}

/**
 * Content-addressed artifact storage: files are named by their sha256, written to a temporary
 * place first, verified, then moved into place, so a reader never sees a partial or wrong file.
 */
export interface ArtifactStorage {
  /** Streams `source` into the temporary area, checking `expected` (size and digests) on the way. */
  stage(source: Readable, expected?: ExpectedDigests, signal?: AbortSignal): Promise<StagedFile>;
  writer(expected?: ExpectedDigests): StagingWriter;
  /** Moves a staged file into place under its sha256, atomically replacing whatever file is there. */
  commit(file: StagedFile): Promise<void>;
  /** Size of the stored file, or null when there is none. */
  stat(sha256: string): Promise<{ size: number } | null>;
  open(sha256: string, range?: ByteRange): Readable;
  remove(sha256: string): Promise<void>;
}
