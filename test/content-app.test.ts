import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFile, runTask, sha256 } from './support/content.js';
import { FileRepositorySteps } from './support/file-repository.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
let steps: FileRepositorySteps;
let baseUrl: string;
const big = randomBytes(100_000);

beforeAll(async () => {
  t = await startTestLarder();
  steps = new FileRepositorySteps(t.client);
  const repo = await steps.repository('served', { autopublish: true });
  await createFile(t.client, 'index.html', '<h1>hello</h1>', repo);
  await createFile(t.client, 'data/big.bin', big, repo);
  await createFile(t.client, 'data/deeper/notes.txt', 'notes', repo);
  await createFile(t.client, 'odd name & <sign>.txt', 'odd', repo);
  baseUrl = await steps.distribute('served', 'pub/served', { repositoryId: repo });
});
afterAll(async () => {
  await t?.stop();
});

describe('the content app', () => {
  it('serves a file with its length, type, ETag and Last-Modified', async () => {
    const res = await fetch(`${baseUrl}index.html`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<h1>hello</h1>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-length')).toBe('14');
    expect(res.headers.get('etag')).toBe(`"${sha256('<h1>hello</h1>')}"`);
    expect(Date.parse(res.headers.get('last-modified')!)).toBeGreaterThan(Date.now() - 600_000);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
  });

  it('answers HEAD with the headers alone', async () => {
    const res = await fetch(`${baseUrl}data/big.bin`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(big.length));
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('serves byte ranges (206), suffix ranges, and refuses unsatisfiable ones (416)', async () => {
    const part = await fetch(`${baseUrl}data/big.bin`, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${big.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(big.subarray(1000, 2000));
    const tail = await fetch(`${baseUrl}data/big.bin`, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(big.subarray(big.length - 10));
    const open = await fetch(`${baseUrl}data/big.bin`, { headers: { range: `bytes=${big.length - 5}-` } });
    expect(Buffer.from(await open.arrayBuffer())).toEqual(big.subarray(big.length - 5));
    const beyond = await fetch(`${baseUrl}data/big.bin`, { headers: { range: `bytes=${big.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${big.length}`);
    const small = await fetch(`${baseUrl}index.html`, { headers: { range: 'bytes=4-7' } });
    expect(small.status).toBe(206);
    expect(small.headers.get('content-range')).toBe('bytes 4-7/14');
    expect(await small.text()).toBe('hell');
    const stale = await fetch(`${baseUrl}data/big.bin`, { headers: { range: 'bytes=0-9', 'if-range': '"another-etag"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(big.length);
  });

  it('answers 304 to a client whose copy is current', async () => {
    const first = await fetch(`${baseUrl}index.html`);
    const etag = first.headers.get('etag')!;
    expect((await fetch(`${baseUrl}index.html`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${baseUrl}index.html`, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    expect((await fetch(`${baseUrl}index.html`, { headers: { 'if-modified-since': first.headers.get('last-modified')! } })).status).toBe(304);
  });

  it('lists directories, redirects a directory without its slash, and escapes names', async () => {
    const top = await fetch(baseUrl);
    expect(top.status).toBe(200);
    const html = await top.text();
    for (const link of ['index.html', 'data/', 'PULP_MANIFEST', 'odd%20name%20%26%20%3Csign%3E.txt']) expect(html).toContain(`href="${link}"`);
    expect(html).toContain('odd name &amp; &lt;sign&gt;.txt');
    const redirect = await fetch(`${baseUrl}data`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/content/pub/served/data/');
    const data = await (await fetch(`${baseUrl}data/`)).text();
    expect(data).toContain('href="big.bin"');
    expect(data).toContain('href="deeper/"');
    expect(data).not.toContain('index.html');
    expect(await (await fetch(`${baseUrl}odd%20name%20%26%20%3Csign%3E.txt`)).text()).toBe('odd');
  });

  it('answers 404 for what it does not serve', async () => {
    for (const path of ['missing.txt', 'data/missing/', 'data/big.bin/more', '../../etc/passwd', '%2e%2e/%2e%2e/etc/passwd']) {
      expect((await fetch(`${baseUrl}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${t.client.url}/content/no/such/base/file`)).status).toBe(404);
    expect((await fetch(`${t.client.url}/content/`)).status).toBe(404);
  });

  it('serves the manifest of the latest publication of a repository with autopublish', async () => {
    const manifest = await (await fetch(`${baseUrl}PULP_MANIFEST`)).text();
    expect(manifest.split('\n').filter(Boolean).sort()).toEqual([
      `data/big.bin,${sha256(big)},${big.length}`,
      `data/deeper/notes.txt,${sha256('notes')},5`,
      `index.html,${sha256('<h1>hello</h1>')},14`,
      `odd name & <sign>.txt,${sha256('odd')},3`,
    ]);
  });
});

describe('the upload story', () => {
  it('uploads a file in shuffled chunks, makes it content of a repository, publishes and downloads it', async () => {
    const bytes = randomBytes(250_000);
    const { createUpload: upload } = await t.client.data(`mutation ($size: SafeInt!) { createUpload(size: $size) { id url } }`, { size: bytes.length });
    const starts = [0, 50_000, 100_000, 150_000, 200_000].sort(() => Math.random() - 0.5);
    for (const start of starts) {
      const chunk = bytes.subarray(start, start + 50_000);
      const res = await fetch(upload.url, { method: 'PUT', body: chunk, headers: { ...t.client.headers, 'content-range': `bytes ${start}-${start + chunk.length - 1}/*` } });
      expect(res.status).toBe(200);
    }
    const repo = await steps.repository('uploaded');
    const created = await runTask(t.client, `mutation ($upload: ID!, $repo: ID!) { createFileContent(relativePath: "uploads/blob.bin", uploadId: $upload, repositoryId: $repo) { id } }`,
      { upload: upload.id, repo });
    expect(created.state).toBe('COMPLETED');
    const publication = await steps.publish(repo);
    const url = await steps.distribute('uploaded', 'uploaded', { publicationId: publication });
    const got = Buffer.from(await (await fetch(`${url}uploads/blob.bin`)).arrayBuffer());
    expect(sha256(got)).toBe(sha256(bytes));
  });
});

describe('retention and distribution', () => {
  it('keeps a version that a distribution serves, however old, and prunes the rest', async () => {
    const repo = await steps.repository('retained', { retainRepoVersions: 1 });
    await createFile(t.client, 'v1.txt', 'one', repo);
    const served = await steps.publish(repo);
    const url = await steps.distribute('retained', 'retained', { publicationId: served });
    await createFile(t.client, 'v2.txt', 'two', repo);
    await createFile(t.client, 'v3.txt', 'three', repo);
    const { fileRepository } = await t.client.data(`query ($id: ID!) { fileRepository(id: $id) { versions { nodes { number } } } }`, { id: repo });
    expect(fileRepository.versions.nodes).toEqual([{ number: 3 }, { number: 1 }]);
    expect(await (await fetch(`${url}v1.txt`)).text()).toBe('one');
    expect((await fetch(`${url}v3.txt`)).status).toBe(404);
  });
});

describe('what base paths serve, remembered by every api process', () => {
  const read = async (url: string) => {
    const res = await fetch(url);
    return `${res.status} ${await res.text()}`;
  };

  it('serves each new version as soon as the task that made it has ended, on another api process too', async () => {
    const other = `${await (await t.spawn('api')).url}/content/`;
    const repo = await steps.repository('changing', { autopublish: true });
    await createFile(t.client, 'now.txt', 'version 1', repo);
    await steps.distribute('changing', 'changing', { repositoryId: repo });
    for (let i = 2; i <= 8; i++) {
      expect(await read(`${other}changing/now.txt`)).toBe(`200 version ${i - 1}`);
      await createFile(t.client, 'now.txt', `version ${i}`, repo);
      expect(await read(`${other}changing/now.txt`)).toBe(`200 version ${i}`);
      expect(await read(`${baseUrl.replace('pub/served/', '')}changing/now.txt`)).toBe(`200 version ${i}`);
    }
  });

  it('serves a moved distribution at its new base path, and nothing at its old one, once the move has ended', async () => {
    const repo = await steps.repository('moving', { autopublish: true });
    await createFile(t.client, 'where.txt', 'here', repo);
    const url = await steps.distribute('moving', 'before/move', { repositoryId: repo });
    const contentUrl = url.replace('before/move/', '');
    expect(await read(`${url}where.txt`)).toBe('200 here');
    expect(await read(`${contentUrl}after/move/where.txt`)).toMatch(/^404/);
    const { fileDistributions } = await t.client.data(`query { fileDistributions(filter: { name: { eq: "moving" } }) { nodes { id } } }`);
    const moved = await runTask(t.client, `mutation ($id: ID!) { updateFileDistribution(id: $id, input: { basePath: "after/move" }) { id } }`,
      { id: fileDistributions.nodes[0].id });
    expect(moved.state).toBe('COMPLETED');
    expect(await read(`${contentUrl}after/move/where.txt`)).toBe('200 here');
    expect(await read(`${url}where.txt`)).toMatch(/^404/);
  });
});
