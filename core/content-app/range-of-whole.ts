import { Transform } from 'node:stream';
import type { ByteRange } from '../storage/artifact-storage.js';

/**
 * Passes on the bytes of `range` (its end inclusive) of a whole file piped through it, and drops
 * the rest, which still flows through: piped after a verifier, the whole file is verified. The
 * range's last bytes are held back until the file has ended, so a range of a file that turns out
 * wrong never arrives complete.
 */
export function rangeOfWhole(range: ByteRange): Transform {
  let offset = 0;
  let held: Buffer | null = null;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const start = Math.max(range.start - offset, 0);
      const end = Math.min(range.end + 1 - offset, chunk.length);
      offset += chunk.length;
      if (start >= end) return callback();
      const previous = held;
      held = chunk.subarray(start, end);
      callback(null, previous ?? undefined);
    },
    flush(callback) {
      callback(null, held ?? undefined);
    },
  });
}
