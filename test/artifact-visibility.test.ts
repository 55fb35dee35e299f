import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTask, sha256, uploadArtifact } from './support/content.js';
import { makeUser, type TestUser } from './support/identities.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
let ann: TestUser;
let ben: TestUser;
beforeAll(async () => {
  t = await startTestLarder();
  [ann, ben] = await Promise.all([makeUser(t.client, 'ann'), makeUser(t.client, 'ben')]);
});
afterAll(async () => {
  await t?.stop();
});

const makeContent = `mutation ($artifactId: ID!) { createFileContent(relativePath: "a.txt", artifactId: $artifactId) { id } }`;

describe('an uploaded artifact', () => {
  it('is its uploaders\' to see and make content of, before it is in any version, and nobody else\'s', async () => {
    const artifact = await uploadArtifact(ann.client, 'ann\'s private bytes');
    expect((await ann.client.data(`query ($id: ID!) { artifact(id: $id) { id } }`, { id: artifact.id })).artifact).toEqual({ id: artifact.id });
    expect((await ben.client.data(`query ($id: ID!) { artifact(id: $id) { id } }`, { id: artifact.id })).artifact).toBeNull();
    expect((await ben.client.data(`{ artifacts { totalCount } }`)).artifacts.totalCount).toBe(0);

    expect(await ben.client.errorCode(makeContent, { artifactId: artifact.id })).toBe('NOT_FOUND');
    expect((await runTask(ann.client, makeContent, { artifactId: artifact.id })).state).toBe('COMPLETED');

    // Uploading the same bytes makes one a holder too: the artifact is stored once.
    const again = await uploadArtifact(ben.client, 'ann\'s private bytes');
    expect(again.id).toBe(artifact.id);
    expect((await ben.client.data(`query ($id: ID!) { artifact(id: $id) { id } }`, { id: artifact.id })).artifact).toEqual({ id: artifact.id });
  });

  it('committed from a chunked upload is its uploader\'s', async () => {
    const bytes = Buffer.from('chunked by ann');
    const { createUpload: upload } = await ann.client.data(`mutation ($size: SafeInt!) { createUpload(size: $size) { id url } }`, { size: bytes.length });
    const put = await fetch(upload.url, { method: 'PUT', body: bytes, headers: { ...ann.client.headers, 'content-range': `bytes 0-${bytes.length - 1}/*` } });
    expect(put.status).toBe(200);
    const task = await runTask(ann.client, `mutation ($id: ID!, $sha: String!) { commitUpload(id: $id, sha256: $sha) { id } }`,
      { id: upload.id, sha: sha256(bytes) });
    const artifactId = task.createdResources[0]!;
    expect((await ann.client.data(`query ($id: ID!) { artifact(id: $id) { id } }`, { id: artifactId })).artifact).toEqual({ id: artifactId });
    expect((await ben.client.data(`query ($id: ID!) { artifact(id: $id) { id } }`, { id: artifactId })).artifact).toBeNull();
  });
});
