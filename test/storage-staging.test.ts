import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FilesystemStorage } from '../core/storage/filesystem-storage.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'larder-staging-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

// A small file is staged in memory, a large one in a temporary file: neither may leave one behind.
it.each([10, 10_000_000])('leaves no temporary file behind when the source of %i bytes fails before its first byte', async (size) => {
  const storage = new FilesystemStorage(root);
  const failing = () => new Readable({ read() { this.destroy(new Error('connection lost')); } });

  for (let i = 0; i < 200; i++) {
    await expect(storage.stage(failing(), { size })).rejects.toThrow('connection lost');
  }

  expect(await readdir(join(root, 'tmp')).catch(() => [])).toEqual([]);
});

it('stages a small file in memory and commits it whole, verified like a large one', async () => {
  const storage = new FilesystemStorage(root);
  const bytes = Buffer.from('fifty bytes or so, in memory until it is committed');
  const staged = await storage.stage(Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]), { size: bytes.length });
  await storage.commit(staged);
  expect(await readFile(storage.path(staged.digests.sha256))).toEqual(bytes);
  expect(await readdir(join(root, 'tmp'))).toEqual([]);

  await expect(storage.stage(Readable.from([bytes]), { size: bytes.length, sha256: '0'.repeat(64) })).rejects.toThrow(/sha256/);
  await expect(storage.stage(Readable.from([bytes]), { size: 5 })).rejects.toThrow(/more than the expected 5 bytes/);
});
