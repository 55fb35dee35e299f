import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask, sha256 } from './support/content.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

/**
 * A client that did not hear the answer to a chunk (a timeout, a dropped connection) sends it
 * again: the same bytes for the same range are the same success, other bytes are a conflict.
 */

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder();
});
afterAll(async () => {
  await t?.stop();
});

async function createUpload(size: number): Promise<{ id: string; url: string }> {
  return (await t.client.data(`mutation ($size: SafeInt!) { createUpload(size: $size) { id url } }`, { size })).createUpload;
}

function putChunk(url: string, bytes: Buffer, start: number): Promise<Response> {
  return fetch(url, { method: 'PUT', body: bytes, headers: { ...t.client.headers, 'content-range': `bytes ${start}-${start + bytes.length - 1}/*` } });
}

const uploadedBytes = async (id: string) =>
  (await t.client.data(`query ($id: ID!) { upload(id: $id) { uploadedBytes } }`, { id })).upload.uploadedBytes;

describe('a chunk sent again', () => {
  it('is accepted with the same answer when its bytes are the stored ones, and refused (409) when they differ', async () => {
    const bytes = randomBytes(200_000);
    const upload = await createUpload(bytes.length);
    const first = await putChunk(upload.url, bytes.subarray(0, 100_000), 0);
    expect(first.status).toBe(200);
    const answer = await first.json();

    const again = await putChunk(upload.url, bytes.subarray(0, 100_000), 0);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(answer);

    const other = Buffer.from(bytes.subarray(0, 100_000).map((byte, i) => (i === 99_999 ? byte ^ 1 : byte)));
    const conflict = await putChunk(upload.url, other, 0);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'CHUNK_CONFLICT' });

    expect((await putChunk(upload.url, bytes.subarray(100_000), 100_000)).status).toBe(200);
    // A range that two written chunks cover, sent again whole.
    expect((await putChunk(upload.url, bytes.subarray(50_000, 150_000), 50_000)).status).toBe(200);
    expect(await uploadedBytes(upload.id)).toBe(bytes.length);

    const commit = await runTask(t.client, `mutation ($id: ID!, $sha: String!) { commitUpload(id: $id, sha256: $sha) { id } }`, { id: upload.id, sha: sha256(bytes) });
    expect(commit.state).toBe('COMPLETED');
  });

  it('still refuses a range only partly written, and a body of another length than its range', async () => {
    const bytes = randomBytes(100);
    const upload = await createUpload(bytes.length);
    expect((await putChunk(upload.url, bytes.subarray(0, 50), 0)).status).toBe(200);
    const partly = await putChunk(upload.url, bytes.subarray(40, 60), 40);
    expect(partly.status).toBe(409);
    expect(await partly.json()).toMatchObject({ code: 'OVERLAPPING_CHUNK' });
    const lying = await fetch(upload.url, { method: 'PUT', body: bytes.subarray(0, 40), headers: { ...t.client.headers, 'content-range': 'bytes 0-49/*' } });
    expect(lying.status).toBe(400);
    expect(await lying.json()).toMatchObject({ code: 'CHUNK_LENGTH_MISMATCH' });
    expect(await uploadedBytes(upload.id)).toBe(50);
  });
});
