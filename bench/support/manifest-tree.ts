import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes `count` distinct files of `size` bytes under `root` (a hundred per directory) and the
 * `PULP_MANIFEST` listing them: a remote file repository that nginx can serve as it is.
 * Returns the relative paths.
 */
export async function writeManifestTree(root: string, count: number, size: number): Promise<string[]> {
  const paths: string[] = [];
  await mkdir(root, { recursive: true });
  const manifest = createWriteStream(join(root, 'PULP_MANIFEST'));
  for (let i = 0; i < count; i++) {
    const directory = `d${Math.floor(i / 100)}`;
    if (i % 100 === 0) await mkdir(join(root, directory), { recursive: true });
    const path = `${directory}/f${i}.txt`;
    const bytes = Buffer.alloc(size, `${path} `);
    await writeFile(join(root, path), bytes);
    if (!manifest.write(`${path},${createHash('sha256').update(bytes).digest('hex')},${size}\n`)) {
      await new Promise<void>((resolve) => manifest.once('drain', () => resolve()));
    }
    paths.push(path);
  }
  await new Promise<void>((resolve, reject) => manifest.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return paths;
}
