import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from './support/content.js';
import { startFileStory, type FileStory } from './support/file-story.js';
import { FileTree } from './support/file-tree.js';
import { serve, type Handler } from './support/upstream.js';

/**
 * A client of a file that Larder fetches on demand gets a true answer: the verified file, a 502
 * that says why there is none, or — once the headers of a large file went out — a transfer that
 * fails. Wrong bytes are never kept.
 */

let story: FileStory;
beforeAll(async () => {
  story = await startFileStory();
});
afterAll(async () => {
  await story?.stop();
});

let n = 0;
/** Syncs `files` with `policy` and serves them; returns the tree upstream and the distribution's URL. */
async function served(policy: 'ON_DEMAND' | 'STREAMED', files: Record<string, Buffer | string>) {
  const { steps, upstream } = story;
  const name = `answers-${++n}`;
  const tree = new FileTree(upstream, `/${name}/`);
  for (const [path, bytes] of Object.entries(files)) tree.set(path, bytes);
  const repo = await steps.repository(name);
  expect((await steps.sync(repo, await steps.remote(name, tree.url, { policy }))).state).toBe('COMPLETED');
  return {
    tree,
    url: await steps.distribute(name, name, { repositoryId: repo }),
    route: (path: string, handler: Handler) => upstream.route(`/${name}/${path}`, handler),
    hits: (path: string) => upstream.hits(`/${name}/${path}`),
  };
}

/** What the store holds: artifacts, and files in its temporary area. */
async function stored() {
  const tmp = await readdir(join(story.t.larder.config.storagePath, 'tmp')).catch(() => []);
  return { ...(await story.steps.stored()), temporaryFiles: tmp.length };
}

/** Serves `bytes` as a server that honours a range does. */
const withRanges = (bytes: Buffer): Handler => (req, res) => {
  const asked = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (!asked) return serve(bytes)(req, res);
  const part = bytes.subarray(Number(asked[1]), Number(asked[2]) + 1);
  res.writeHead(206, { 'content-length': part.length, 'content-range': `bytes ${asked[1]}-${asked[2]}/${bytes.length}` });
  res.end(part);
};

const changed = (bytes: Buffer) => Buffer.from(bytes.map((byte, i) => (i === bytes.length - 1 ? byte ^ 1 : byte)));

describe.each(['ON_DEMAND', 'STREAMED'] as const)('a %s file whose upstream bytes are not the promised ones', (policy) => {
  it('is answered 502 with the reason when it is small, and nothing is kept', async () => {
    const promised = Buffer.from(`the promised bytes of a small file, ${policy}`);
    const { tree, url } = await served(policy, { 'small.txt': promised });
    tree.set('small.txt', changed(promised));
    const before = await stored();

    const res = await fetch(`${url}small.txt`);
    expect(res.status).toBe(502);
    const reason = await res.text();
    expect(reason).toContain('small.txt served other bytes than promised');
    expect(reason).toContain(`expected ${sha256(promised)}`);
    expect(await stored()).toEqual(before);

    tree.set('small.txt', Buffer.concat([promised, Buffer.from(' and more')]));
    const longer = await fetch(`${url}small.txt`);
    expect(longer.status).toBe(502);
    expect(await longer.text()).toContain(`more than the expected ${promised.length} bytes`);
    expect(await stored()).toEqual(before);

    tree.set('small.txt', promised);
    const fixed = await fetch(`${url}small.txt`);
    expect(fixed.status).toBe(200);
    expect(Buffer.from(await fixed.arrayBuffer())).toEqual(promised);
    expect((await stored()).artifacts).toBe(before.artifacts + (policy === 'ON_DEMAND' ? 1 : 0));
  });

  it('fails the transfer when it is large: the client sees the headers, then a broken body, and nothing is kept', async () => {
    const promised = randomBytes(300_000);
    const { tree, url } = await served(policy, { 'large.bin': promised });
    tree.set('large.bin', changed(promised));
    const before = await stored();

    const res = await fetch(`${url}large.bin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(promised.length));
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(await stored()).toEqual(before);
  });
});

describe('conditional requests for a file still upstream', () => {
  it('answers 304 to a client whose copy has the promised digest, without asking upstream', async () => {
    const bytes = randomBytes(100_000);
    const { url, hits, route } = await served('STREAMED', { 'kept-by-the-client.bin': bytes });
    route('kept-by-the-client.bin', withRanges(bytes));
    const fresh = await fetch(`${url}kept-by-the-client.bin`, { headers: { 'if-none-match': `"${sha256(bytes)}"` } });
    expect(fresh.status).toBe(304);
    expect(fresh.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect(hits('kept-by-the-client.bin')).toBe(0);

    const stale = await fetch(`${url}kept-by-the-client.bin`, { headers: { 'if-none-match': '"something else"' } });
    expect(stale.status).toBe(200);
    expect(sha256(Buffer.from(await stale.arrayBuffer()))).toBe(sha256(bytes));
    const part = await fetch(`${url}kept-by-the-client.bin`, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(10, 20));
    const resumed = await fetch(`${url}kept-by-the-client.bin`, { headers: { range: 'bytes=10-19', 'if-range': '"an older file"' } });
    expect(resumed.status).toBe(200);
    expect(Buffer.from(await resumed.arrayBuffer())).toEqual(bytes);
  });
});
