import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A file repository generated on disk, as pulp_file reads one: the files and a PULP_MANIFEST beside them. */
export interface GeneratedRemote {
  /** The directory to serve; the manifest is at its top. */
  root: string;
  /** Every file's path relative to `root`, in manifest order. */
  paths: string[];
  remove(): Promise<void>;
}

/** Directories the files are spread over, so no directory holds tens of thousands of entries. */
const DIRECTORIES = 100;
/** Files written at once: enough to keep the disk busy, few enough not to run out of descriptors. */
const WRITES_IN_FLIGHT = 64;

/**
 * Writes `count` files of exactly `size` bytes, each with its own content (so each is its own
 * artifact), and the manifest listing them.
 */
export async function generateRemote(count: number, size: number): Promise<GeneratedRemote> {
  const root = await mkdtemp(join(tmpdir(), 'larder-remote-'));
  const paths = Array.from({ length: count }, (_, i) => `d${String(i % DIRECTORIES).padStart(2, '0')}/file-${i}.txt`);
  await Promise.all(Array.from({ length: Math.min(DIRECTORIES, count) }, (_, d) => mkdir(join(root, `d${String(d).padStart(2, '0')}`))));
  const lines = new Array<string>(count);
  let next = 0;
  await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, async () => {
    while (next < count) {
      const i = next++;
      const bytes = Buffer.alloc(size, '.');
      bytes.write(`file ${i} of ${count}\n`.slice(0, size));
      lines[i] = `${paths[i]},${createHash('sha256').update(bytes).digest('hex')},${size}\n`;
      await writeFile(join(root, paths[i]!), bytes);
    }
  }));
  await writeFile(join(root, 'PULP_MANIFEST'), lines.join(''));
  return { root, paths, remove: () => rm(root, { recursive: true, force: true }) };
}
