import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from './support/content.js';
import type { FileRepositorySteps } from './support/file-repository.js';
import { startFileStory, type FileStory } from './support/file-story.js';
import { FileTree } from './support/file-tree.js';
import type { TestLarder } from './support/test-larder.js';
import { Upstream } from './support/upstream.js';

let story: FileStory;
let t: TestLarder;
let upstream: Upstream;
let steps: FileRepositorySteps;
beforeAll(async () => {
  story = await startFileStory();
  ({ t, upstream, steps } = story);
});
afterAll(async () => {
  await story?.stop();
});

async function download(url: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

const summaryOf = (added: number, removed: number, present: number) => ({
  added: added ? [{ type: 'file.file', count: added }] : [],
  removed: removed ? [{ type: 'file.file', count: removed }] : [],
  present: present ? [{ type: 'file.file', count: present }] : [],
});

describe('syncing a file repository', () => {
  it('mirrors a remote, publishes, distributes, serves every file, skips an unchanged re-sync, and follows upstream changes', async () => {
    const tree = new FileTree(upstream, '/story/')
      .set('readme.txt', 'Welcome to the story.\n')
      .set('isos/boot.iso', Buffer.alloc(70_000, 7))
      .set('docs/a, b.txt', 'a path with a comma and a space');
    const remote = await steps.remote('story', tree.url);
    const repo = await steps.repository('story', { remoteId: remote });

    const first = await steps.sync(repo, remote);
    expect(first.state).toBe('COMPLETED');
    expect(first.progressReports.map((p) => p.code)).toEqual(
      ['sync.downloading.metadata', 'sync.parsing.metadata', 'sync.downloading.artifacts', 'associating.content'],
    );
    expect(first.progressReports.find((p) => p.code === 'sync.downloading.artifacts')?.done).toBe(3);
    expect(await steps.latest(repo)).toEqual({ number: 1, contentSummary: summaryOf(3, 0, 3) });

    const publication = await steps.publish(repo);
    const baseUrl = await steps.distribute('story', 'story/files', { publicationId: publication });
    for (const path of tree.paths()) {
      const got = await download(`${baseUrl}${path.split('/').map(encodeURIComponent).join('/')}`);
      expect(got.status).toBe(200);
      expect(sha256(got.body)).toBe(sha256(tree.content(path)));
    }
    const manifest = await download(`${baseUrl}PULP_MANIFEST`);
    expect(manifest.body.toString().trim().split('\n').sort()).toEqual(tree.manifest().trim().split('\n').sort());

    const again = await steps.sync(repo, remote);
    expect(again.state).toBe('COMPLETED');
    expect(again.progressReports.map((p) => p.code)).toContain('sync.skipped');
    expect(again.createdResources).toEqual([]);
    expect((await steps.latest(repo)).number).toBe(1);

    tree.set('readme.txt', 'Welcome to the second chapter.\n');
    const changed = await steps.sync(repo, remote);
    expect(changed.state).toBe('COMPLETED');
    expect(changed.progressReports.find((p) => p.code === 'sync.downloading.artifacts')?.done).toBe(1);
    expect(await steps.latest(repo)).toEqual({ number: 2, contentSummary: summaryOf(1, 1, 3) });

    tree.delete('isos/boot.iso');
    const additive = await steps.sync(repo, remote);
    expect(additive.state).toBe('COMPLETED');
    expect(additive.createdResources).toEqual([]);
    expect((await steps.sync(repo, remote, true)).state).toBe('COMPLETED');
    expect(await steps.latest(repo)).toEqual({ number: 3, contentSummary: summaryOf(0, 1, 2) });

    const served = await steps.distribute('story-latest', 'story/latest', { repositoryId: repo });
    expect((await download(`${served}readme.txt`)).body.toString()).toBe('Welcome to the second chapter.\n');
    expect((await download(`${served}isos/boot.iso`)).status).toBe(404);
  });

  it('syncs on demand: metadata only, the first download fetches and keeps the file, which outlives its upstream', async () => {
    const gone = await Upstream.start();
    const tree = new FileTree(gone, '/lazy/').set('one.txt', 'fetched when asked').set('two.txt', 'never asked');
    const remote = await steps.remote('lazy', tree.url, { policy: 'ON_DEMAND' });
    const repo = await steps.repository('lazy');
    const before = await steps.stored();
    const sync = await steps.sync(repo, remote);
    expect(sync.state).toBe('COMPLETED');
    expect(gone.requests.map((r) => r.path)).toEqual(['/lazy/PULP_MANIFEST']);
    expect((await steps.stored()).artifacts).toBe(before.artifacts);

    const baseUrl = await steps.distribute('lazy', 'lazy', { repositoryId: repo });
    const first = await download(`${baseUrl}one.txt`);
    expect(first.body.toString()).toBe('fetched when asked');
    expect(first.headers.get('etag')).toBe(`"${sha256('fetched when asked')}"`);
    expect(gone.hits('/lazy/one.txt')).toBe(1);
    expect((await steps.stored()).artifacts).toBe(before.artifacts + 1);

    await gone.close();
    const later = await download(`${baseUrl}one.txt`);
    expect(later.status).toBe(200);
    expect(later.body.toString()).toBe('fetched when asked');
    expect((await download(`${baseUrl}two.txt`)).status).toBe(502);
  });

  it('streams: serves the file from upstream on every request and never keeps it', async () => {
    const tree = new FileTree(upstream, '/streamed/').set('live.bin', Buffer.alloc(200_000, 3));
    const remote = await steps.remote('streamed', tree.url, { policy: 'STREAMED' });
    const repo = await steps.repository('streamed');
    expect((await steps.sync(repo, remote)).state).toBe('COMPLETED');
    const baseUrl = await steps.distribute('streamed', 'streamed', { repositoryId: repo });
    const before = await steps.stored();
    for (let i = 0; i < 2; i++) {
      const got = await download(`${baseUrl}live.bin`);
      expect(got.status).toBe(200);
      expect(sha256(got.body)).toBe(sha256(tree.content('live.bin')));
    }
    expect(upstream.hits('/streamed/live.bin')).toBe(2);
    expect(await steps.stored()).toEqual(before);
  });

  it('answers 502 when upstream sends other bytes than the manifest promised, and keeps nothing', async () => {
    const tree = new FileTree(upstream, '/liar/').set('file.txt', 'the truth');
    const remote = await steps.remote('liar', tree.url, { policy: 'ON_DEMAND' });
    const repo = await steps.repository('liar');
    expect((await steps.sync(repo, remote)).state).toBe('COMPLETED');
    const baseUrl = await steps.distribute('liar', 'liar', { repositoryId: repo });
    tree.set('file.txt', 'the lies!');
    const before = await steps.stored();
    expect((await download(`${baseUrl}file.txt`)).status).toBe(502);
    expect(await steps.stored()).toEqual(before);
  });
});

describe('refusing bad upstream content', () => {
  const incomplete = async () => {
    const [row] = await t.larder.orm.em.getConnection().execute('select count(*)::int as n from repository_version where not complete');
    return (row as { n: number }).n;
  };

  it.each([
    ['a path that climbs out', (digest: string) => `../etc/passwd,${digest},4\n`],
    ['an absolute path', (digest: string) => `/etc/passwd,${digest},4\n`],
    ['a digest that is not sha256', () => 'file.txt,abc123,4\n'],
    ['a negative size', (digest: string) => `file.txt,${digest},-4\n`],
    ['a malformed line', () => 'just-a-name\n'],
  ])('fails a manifest with %s and stores nothing', async (_what, line) => {
    const tree = new FileTree(upstream, `/bad-${Math.random().toString(36).slice(2)}/`).set('file.txt', 'good').set('other.txt', 'fine');
    tree.manifestOverride = `# a comment\n\nother.txt,${sha256('fine')},4\n${line(sha256('good'))}`;
    const remote = await steps.remote(`bad-${Math.random()}`, tree.url);
    const repo = await steps.repository(`bad-${Math.random()}`);
    const before = await steps.stored();
    const sync = await steps.sync(repo, remote);
    expect(sync.state).toBe('FAILED');
    expect(sync.error?.code).toBe('BAD_MANIFEST');
    expect(sync.error?.description).toMatch(/line 4/);
    expect(await steps.stored()).toEqual(before);
    expect(await incomplete()).toBe(0);
  });

  it('fails a sync whose download does not match its digest, and stores nothing', async () => {
    const tree = new FileTree(upstream, '/corrupt/').set('ok.txt', 'fine').set('bad.txt', 'promised');
    tree.manifestOverride = tree.manifest();
    tree.set('bad.txt', 'promises');
    const remote = await steps.remote('corrupt', tree.url);
    const repo = await steps.repository('corrupt');
    const before = await steps.stored();
    const sync = await steps.sync(repo, remote);
    expect(sync.state).toBe('FAILED');
    expect(sync.error?.code).toBe('DIGEST_MISMATCH');
    expect(await steps.stored()).toEqual(before);
    expect(await incomplete()).toBe(0);
  });

  it('fails a sync of several batches whose last file is corrupt, while earlier batches are stored, and keeps no version', async () => {
    const tree = new FileTree(upstream, '/long-corrupt/');
    for (let i = 0; i < 1_200; i++) tree.set(`f${i}.txt`, `file ${i}`);
    tree.manifestOverride = tree.manifest();
    tree.set('f1199.txt', 'FILE 1199');
    const remote = await steps.remote('long-corrupt', tree.url);
    const repo = await steps.repository('long-corrupt');
    const before = await steps.stored();
    const sync = await steps.sync(repo, remote);
    expect(sync.state).toBe('FAILED');
    expect(sync.error?.code).toBe('DIGEST_MISMATCH');
    expect((await steps.stored()).versions).toBe(before.versions);
    expect(await incomplete()).toBe(0);
  });

  it('fails a sync whose upstream cuts the connection, and stores nothing', async () => {
    const tree = new FileTree(upstream, '/cut/').set('whole.txt', 'whole').set('cut.bin', Buffer.alloc(1000, 1));
    upstream.route('/cut/cut.bin', (_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(10, 1), () => res.destroy());
    });
    const remote = await steps.remote('cut', tree.url, { maxRetries: 1 });
    const repo = await steps.repository('cut');
    const before = await steps.stored();
    const sync = await steps.sync(repo, remote);
    expect(sync.state).toBe('FAILED');
    expect(sync.error?.code).toBe('TRUNCATED');
    expect(upstream.hits('/cut/cut.bin')).toBe(2);
    expect(await steps.stored()).toEqual(before);
  });
});
