export interface ChunkRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * The range a chunk covers: `Content-Range: bytes a-b/total` (total may be `*`), or the whole
 * upload when the header is absent. Null when the header is malformed or does not fit the upload.
 */
export function chunkRange(header: string | undefined, size: number): ChunkRange | null {
  if (header === undefined) return size > 0 ? { start: 0, end: size - 1 } : null;
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (!match) return null;
  const [start, end] = [Number(match[1]), Number(match[2])];
  const total = match[3] === '*' ? size : Number(match[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end || end >= size || total !== size) return null;
  return { start, end };
}
