import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask, sha256 } from './support/content.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder();
});
afterAll(async () => {
  await t?.stop();
});

async function createUpload(size: number): Promise<{ id: string; url: string }> {
  const { createUpload } = await t.client.data(`mutation ($size: SafeInt!) { createUpload(size: $size) { id url size uploadedBytes } }`, { size });
  expect(createUpload).toMatchObject({ size, uploadedBytes: 0 });
  return createUpload;
}

function putChunk(url: string, bytes: Buffer, start: number): Promise<Response> {
  return fetch(url, { method: 'PUT', body: bytes, headers: { ...t.client.headers, 'content-range': `bytes ${start}-${start + bytes.length - 1}/*` } });
}

async function artifactCount(): Promise<number> {
  return (await t.client.data(`{ artifacts { totalCount } }`)).artifacts.totalCount;
}

const storedFiles = () => {
  const dir = join(t.larder.config.storagePath, 'artifact');
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
};

describe('uploads', () => {
  it('take chunks in any order and commit into a verified artifact', async () => {
    const bytes = randomBytes(300_000);
    const upload = await createUpload(bytes.length);
    const chunks = [131_072, 262_144, 0, 196_608, 65_536].map((start) => ({ start, bytes: bytes.subarray(start, start + 65_536) }));
    for (const chunk of chunks) {
      const res = await putChunk(upload.url, chunk.bytes, chunk.start);
      expect(res.status).toBe(200);
    }
    expect((await t.client.data(`query ($id: ID!) { upload(id: $id) { uploadedBytes } }`, { id: upload.id })).upload.uploadedBytes).toBe(bytes.length);

    const commit = await runTask(t.client, `mutation ($id: ID!, $sha: String!) { commitUpload(id: $id, sha256: $sha) { id } }`, { id: upload.id, sha: sha256(bytes) });
    expect(commit.state).toBe('COMPLETED');
    const { artifact } = await t.client.data(`query ($id: ID!) { artifact(id: $id) { size sha256 sha512 md5 } }`, { id: commit.createdResources[0] });
    expect(artifact).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    expect(artifact.md5).toMatch(/^[0-9a-f]{32}$/);
    expect((await t.client.data(`query ($id: ID!) { upload(id: $id) { id } }`, { id: upload.id })).upload).toBeNull();
  });

  it('refuse a commit whose sha256 is wrong: the task fails and no artifact is stored', async () => {
    const bytes = randomBytes(1000);
    const upload = await createUpload(bytes.length);
    expect((await putChunk(upload.url, bytes, 0)).status).toBe(200);
    const [artifacts, files] = [await artifactCount(), storedFiles()];
    const commit = await runTask(t.client, `mutation ($id: ID!, $sha: String!) { commitUpload(id: $id, sha256: $sha) { id } }`, { id: upload.id, sha: sha256('other bytes') });
    expect(commit.state).toBe('FAILED');
    expect(commit.error?.code).toBe('DIGEST_MISMATCH');
    expect([await artifactCount(), storedFiles()]).toEqual([artifacts, files]);
    expect((await t.client.data(`query ($id: ID!) { upload(id: $id) { uploadedBytes } }`, { id: upload.id })).upload.uploadedBytes).toBe(1000);
  });

  it('refuse a commit before every byte arrived', async () => {
    const upload = await createUpload(100);
    expect((await putChunk(upload.url, randomBytes(50), 0)).status).toBe(200);
    const commit = await runTask(t.client, `mutation ($id: ID!, $sha: String!) { commitUpload(id: $id, sha256: $sha) { id } }`, { id: upload.id, sha: sha256('x') });
    expect(commit.error?.code).toBe('UPLOAD_INCOMPLETE');
  });

  it('refuse overlapping chunks, ranges outside the upload and bodies of the wrong length', async () => {
    const upload = await createUpload(100);
    expect((await putChunk(upload.url, randomBytes(50), 0)).status).toBe(200);
    const overlap = await putChunk(upload.url, randomBytes(20), 40);
    expect(overlap.status).toBe(409);
    expect(await overlap.json()).toMatchObject({ code: 'OVERLAPPING_CHUNK' });
    expect((await putChunk(upload.url, randomBytes(60), 50)).status).toBe(400);
    const short = await fetch(upload.url, { method: 'PUT', body: randomBytes(10), headers: { ...t.client.headers, 'content-range': 'bytes 50-59/*' } });
    expect(short.status).toBe(200);
    const lying = await fetch(upload.url, { method: 'PUT', body: randomBytes(5), headers: { ...t.client.headers, 'content-range': 'bytes 60-69/*' } });
    expect(lying.status).toBe(400);
    expect(await lying.json()).toMatchObject({ code: 'CHUNK_LENGTH_MISMATCH' });
    expect((await fetch(upload.url, { method: 'PUT', body: 'x', headers: { ...t.client.headers, 'content-range': 'bytes nonsense' } })).status).toBe(400);
    expect((await t.client.data(`query ($id: ID!) { upload(id: $id) { uploadedBytes } }`, { id: upload.id })).upload.uploadedBytes).toBe(60);
    expect((await putChunk(`${t.client.url}/uploads/0193a5b0-0000-7000-8000-000000000000`, randomBytes(1), 0)).status).toBe(404);
  });

  it('forget a chunk whose connection broke, so it can be sent again', async () => {
    const upload = await createUpload(1000);
    await new Promise<void>((resolve) => {
      const req = request(upload.url, { method: 'PUT', headers: { ...t.client.headers, 'content-range': 'bytes 0-999/*', 'content-length': 1000 } });
      req.on('error', () => resolve());
      req.write(randomBytes(100), () => setImmediate(() => req.destroy()));
    });
    // The server notices the broken chunk when it fails to read the rest; resending the range succeeds once it has.
    let res: Response;
    do res = await putChunk(upload.url, randomBytes(1000), 0);
    while (res.status === 409);
    expect(res.status).toBe(200);
  });

  it('accept a small file in one request, verified against its sha256', async () => {
    const res = await fetch(`${t.client.url}/artifacts?sha256=${sha256('one go')}`, { method: 'POST', body: 'one go', headers: t.client.headers });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ size: 6, sha256: sha256('one go') });
    const before = await artifactCount();
    const wrong = await fetch(`${t.client.url}/artifacts?sha256=${sha256('another')}`, { method: 'POST', body: 'one go?', headers: t.client.headers });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await artifactCount()).toBe(before);
  });

  it('refuse bad sizes and digests in GraphQL', async () => {
    expect(await t.client.errorCode(`mutation { createUpload(size: 0) { id } }`)).toBe('BAD_USER_INPUT');
    expect(await t.client.errorCode(`mutation { createUpload(size: -5) { id } }`)).toBe('BAD_USER_INPUT');
    const upload = await createUpload(10);
    expect(await t.client.errorCode(`mutation ($id: ID!) { commitUpload(id: $id, sha256: "abc") { id } }`, { id: upload.id })).toBe('BAD_USER_INPUT');
  });
});
