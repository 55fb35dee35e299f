import { randomBytes } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFile, sha256 } from './support/content.js';
import { startFileStory, type FileStory } from './support/file-story.js';
import { FileTree } from './support/file-tree.js';
import { status } from './support/upstream.js';

/**
 * A synced or uploaded file is served from the API's own origin: were an HTML page or an SVG image
 * among them allowed to run its scripts there, it could act as the user on the API. Every answer of
 * the content app is sandboxed instead, and never sniffed into something more active than its type.
 */

let story: FileStory;
let baseUrl: string;
let onDemandUrl: string;

/** Tries to act as the API's origin: the browser test shows it never gets to. */
const takeOver = `fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: 'mutation { createFileRepository(input: { name: "made-by-a-synced-file" }) { id } }' }) })`;
const page = `<!DOCTYPE html><html><head><title>a synced page</title></head><body><p id="text">Read me, I am synced.</p>
<script>document.title = 'the script ran'; ${takeOver};</script></body></html>`;
const image = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60"><text id="text" x="10" y="30">Look at me, I am synced.</text>
<script>${takeOver};</script></svg>`;

beforeAll(async () => {
  story = await startFileStory();
  const { t, steps, upstream } = story;
  const repo = await steps.repository('sandboxed', { autopublish: true });
  await createFile(t.client, 'page.html', page, repo);
  await createFile(t.client, 'image.svg', image, repo);
  await createFile(t.client, 'data/big.bin', randomBytes(100_000), repo);
  baseUrl = await steps.distribute('sandboxed', 'sandboxed', { repositoryId: repo });

  const tree = new FileTree(upstream, '/sandbox-lazy/').set('lazy.html', page).set('gone.html', 'never fetched');
  const lazy = await steps.repository('sandboxed-lazy');
  expect((await steps.sync(lazy, await steps.remote('sandboxed-lazy', tree.url, { policy: 'ON_DEMAND' }))).state).toBe('COMPLETED');
  upstream.route('/sandbox-lazy/gone.html', status(404));
  onDemandUrl = await steps.distribute('sandboxed-lazy', 'sandboxed-lazy', { repositoryId: lazy });
});
afterAll(async () => {
  await story?.stop();
});

describe('every answer of the content app', () => {
  it('carries nosniff and a sandbox: files, ranges, revalidations, listings, redirects, on-demand files and errors', async () => {
    const etag = `"${sha256(page)}"`;
    const answers: Array<[string, string, RequestInit?]> = [
      ['a stored page', `${baseUrl}page.html`],
      ['a stored image', `${baseUrl}image.svg`],
      ['a large stored file', `${baseUrl}data/big.bin`],
      ['HEAD of a stored file', `${baseUrl}page.html`, { method: 'HEAD' }],
      ['a byte range', `${baseUrl}data/big.bin`, { headers: { range: 'bytes=10-19' } }],
      ['an unsatisfiable range', `${baseUrl}page.html`, { headers: { range: 'bytes=100000-' } }],
      ['a revalidation', `${baseUrl}page.html`, { headers: { 'if-none-match': etag } }],
      ['a directory listing', baseUrl],
      ['a publication file', `${baseUrl}PULP_MANIFEST`],
      ['a redirect to a directory', `${baseUrl}data`, { redirect: 'manual' }],
      ['a path served by no one', `${baseUrl}missing.html`],
      ['an on-demand file fetched from upstream', `${onDemandUrl}lazy.html`],
      ['the same file, now stored', `${onDemandUrl}lazy.html`],
      ['an on-demand file upstream lost', `${onDemandUrl}gone.html`],
    ];
    const seen = [];
    for (const [what, url, init] of answers) {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      seen.push({ what, status: res.status, nosniff: res.headers.get('x-content-type-options'), csp: res.headers.get('content-security-policy') });
    }
    expect(seen).toEqual(answers.map(([what]) => ({ what, status: expect.any(Number), nosniff: 'nosniff', csp: 'sandbox' })));
    expect(seen.map((s) => s.status)).toEqual([200, 200, 200, 200, 206, 416, 304, 200, 200, 301, 404, 200, 200, 502]);
  });
});

describe('a synced HTML page or SVG image opened in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['an HTML page', 'page.html', 'Read me, I am synced.'],
    ['an SVG image', 'image.svg', 'Look at me, I am synced.'],
  ])('%s displays, but its script cannot act as the API: it does not run, in an origin that is not the API\'s', async (_what, path, text) => {
    const tab = await browser.newPage();
    try {
      const requests: string[] = [];
      tab.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
      // A script that runs issues its request while the document loads, before the load event.
      await tab.goto(`${baseUrl}${path}`, { waitUntil: 'load' });

      expect(await tab.locator('#text').textContent()).toBe(text);
      expect(await tab.locator('#text').isVisible()).toBe(true);
      expect(requests).not.toContain('POST /graphql');
      if (path.endsWith('.html')) expect(await tab.title()).toBe('a synced page');
      // Even a script that did run would run as no one: the document's origin is opaque.
      expect(await tab.evaluate(() => self.origin)).toBe('null');
    } finally {
      await tab.close();
    }
  });
});
