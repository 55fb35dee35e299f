import { mkdtemp, readdir, rm } from 'node:fs/promises';
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

it('leaves no temporary file behind when the source fails before its first byte', async () => {
  const storage = new FilesystemStorage(root);
  const failing = () => new Readable({ read() { this.destroy(new Error('connection lost')); } });

  for (let i = 0; i < 200; i++) {
    await expect(storage.stage(failing(), { size: 10 })).rejects.toThrow('connection lost');
  }

  expect(await readdir(join(root, 'tmp'))).toEqual([]);
});
