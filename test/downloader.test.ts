import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Downloader, type DownloaderOptions, type RetryNotice } from '../core/download/downloader.js';
import { parseNetwork } from '../core/download/ip-networks.js';
import { allowRemoteNetworks } from '../core/download/remote-addresses.js';
import type { RemoteSettings } from '../core/download/remote-settings.js';
import { resolveUrl } from '../core/download/urls.js';
import { FilesystemStorage } from '../core/storage/filesystem-storage.js';
import { makeCertificates, type TestCertificates } from './support/certificates.js';
import { redirect, serve, startSilentServer, status, Upstream, type Handler } from './support/upstream.js';

let root: string;
let storage: FilesystemStorage;
let upstream: Upstream;

beforeAll(async () => {
  // The upstream servers listen on loopback, which remotes reach only when allowed.
  allowRemoteNetworks([parseNetwork('127.0.0.0/8')!]);
  root = await mkdtemp(join(tmpdir(), 'larder-download-'));
  storage = new FilesystemStorage(join(root, 'storage'));
  upstream = await Upstream.start();
});
afterAll(async () => {
  await upstream?.close();
  await rm(root, { recursive: true, force: true });
});

/** Retries a few milliseconds apart, so the tests take no time waiting. */
const quickly: DownloaderOptions = { backoff: { firstMs: 5, maxMs: 20 } };

function downloader(settings: Partial<RemoteSettings> = {}, options: DownloaderOptions = quickly): Downloader {
  return new Downloader({ downloadConcurrency: 5, maxRetries: 3, ...settings }, storage, options);
}

const digest = (algorithm: string, data: string | Buffer) => createHash(algorithm).update(data).digest('hex');
const sha256 = (data: string | Buffer) => digest('sha256', data);

/** What the storage holds in its temporary area: a failed download must leave nothing there. */
async function leftInTmp(): Promise<string[]> {
  return readdir(join(storage.root, 'tmp')).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Answers with `first` to the first `times` requests for the path, then with `then`. */
function failing(path: string, times: number, first: Handler, then: Handler): Handler {
  return (request, response) => (upstream.hits(path) <= times ? first : then)(request, response);
}

/** Promises 1000 bytes, sends 10, and hangs up. */
const truncating: Handler = (_request, response) => {
  response.writeHead(200, { 'content-length': 1000 });
  response.write(Buffer.alloc(10), () => response.socket!.destroy());
};

describe('downloading into storage', () => {
  it('streams a file into storage, with the digests of its bytes', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const url = upstream.route('/pool/image.iso', serve(data));

    const staged = await downloader().download(url, { size: data.length, sha256: sha256(data) });

    expect(staged.digests).toEqual({
      size: data.length, sha256: sha256(data), sha512: digest('sha512', data), sha1: digest('sha1', data), md5: digest('md5', data),
    });
    await storage.commit(staged);
    expect(await storage.stat(sha256(data))).toEqual({ size: data.length });
    expect(await leftInTmp()).toEqual([]);
  });

  it('downloads 1,000 small files through one downloader, 5 at a time over kept-alive connections', async () => {
    const content = (i: number) => `file number ${i}\n`;
    // The server holds requests until 5 are in (or the last one is), then answers them at the end
    // of this turn of the event loop, so a sixth request sent alongside would be counted.
    let held: Array<() => void> = [];
    let seen = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    const answerHeld = () => {
      const batch = held;
      held = [];
      for (const answer of batch) answer();
    };
    const urls = Array.from({ length: 1000 }, (_, i) =>
      upstream.route(`/many/${i}.txt`, (request, response) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        response.on('close', () => inFlight--);
        held.push(() => serve(content(i))(request, response));
        seen++;
        if (held.length === 5 || seen === 1000) setImmediate(answerHeld);
      }),
    );

    // As in a sync: one task's signal goes with every download, without a warning of a listener leak.
    const task = new AbortController();
    const warnings: Error[] = [];
    const warn = (warning: Error) => warnings.push(warning);
    process.on('warning', warn);
    const d = downloader({ downloadConcurrency: 5 });
    const connectionsBefore = upstream.connections;
    const files = await Promise.all(urls.map((url, i) => d.download(url, { sha256: sha256(content(i)) }, task.signal)));
    await Promise.all(files.map((file) => file.discard()));
    process.off('warning', warn);

    expect(files.map((file) => file.digests.sha256)).toEqual(urls.map((_, i) => sha256(content(i))));
    expect(mostInFlight).toBe(5);
    expect(seen).toBe(1000);
    expect(upstream.connections - connectionsBefore).toBeLessThanOrEqual(5);
    expect(warnings).toEqual([]);
  });
});

describe('retries', () => {
  it('retries a 503 until the server answers, telling each retry', async () => {
    const path = '/retry/flaky.txt';
    const url = upstream.route(path, failing(path, 2, status(503), serve('finally')));
    const retries: RetryNotice[] = [];

    const staged = await downloader({ maxRetries: 3 }, { ...quickly, onRetry: (retry) => retries.push(retry) })
      .download(url, { sha256: sha256('finally') });

    expect(staged.digests.size).toBe(7);
    expect(upstream.hits(path)).toBe(3);
    expect(retries.map((retry) => [retry.failedAttempts, retry.error.code, retry.error.url])).toEqual([[1, 'HTTP_ERROR', url], [2, 'HTTP_ERROR', url]]);
    await staged.discard();
  });

  it('gives up after maxRetries retries with the last HTTP status', async () => {
    const url = upstream.route('/retry/down.txt', status(503));

    await expect(downloader({ maxRetries: 2 }).download(url)).rejects.toMatchObject({
      code: 'HTTP_ERROR', status: 503, message: `GET ${url} answered 503 Service Unavailable`,
    });
    expect(upstream.hits('/retry/down.txt')).toBe(3);
  });

  it('does not retry a 404', async () => {
    const url = upstream.url('/retry/missing.txt');

    await expect(downloader().download(url)).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 404, message: `GET ${url} answered 404 Not Found` });
    expect(upstream.hits('/retry/missing.txt')).toBe(1);
  });

  it('waits as long as a short Retry-After asks, and gives up at once on a long one', async () => {
    const busy = '/retry/busy.txt';
    const busyUrl = upstream.route(busy, failing(busy, 1, status(429, { 'retry-after': '1' }), serve('served')));
    const started = performance.now();
    await (await downloader().download(busyUrl)).discard();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(upstream.hits(busy)).toBe(2);

    const closedUrl = upstream.route('/retry/closed.txt', status(503, { 'retry-after': '3600' }));
    await expect(downloader().download(closedUrl)).rejects.toMatchObject({
      code: 'HTTP_ERROR', status: 503, message: expect.stringContaining('(Retry-After: 3600)'),
    });
    expect(upstream.hits('/retry/closed.txt')).toBe(1);
  });

  it('retries a connection cut short, and fails with TRUNCATED when it always is', async () => {
    const once = '/truncated/once.bin';
    const full = Buffer.alloc(1000, 7);
    const onceUrl = upstream.route(once, failing(once, 1, truncating, serve(full)));
    const staged = await downloader().download(onceUrl, { sha256: sha256(full) });
    expect(upstream.hits(once)).toBe(2);
    await staged.discard();

    const alwaysUrl = upstream.route('/truncated/always.bin', truncating);
    await expect(downloader({ maxRetries: 2 }).download(alwaysUrl)).rejects.toMatchObject({
      code: 'TRUNCATED', message: `GET ${alwaysUrl}: the connection closed before the whole body (1000 bytes) arrived`,
    });
    expect(upstream.hits('/truncated/always.bin')).toBe(3);
    expect(await leftInTmp()).toEqual([]);
  });
});

describe('bytes other than promised', () => {
  it('fails with DIGEST_MISMATCH, without a retry, leaving nothing behind', async () => {
    const url = upstream.route('/lies/file.txt', serve('what the server has'));

    await expect(downloader().download(url, { sha256: sha256('what the metadata says') })).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH', message: expect.stringMatching(new RegExp(`^${url} served other bytes than promised: .*sha256.*does not retry$`)),
    });
    expect(upstream.hits('/lies/file.txt')).toBe(1);
    expect(await leftInTmp()).toEqual([]);
  });

  it('fails with SIZE_MISMATCH for a body longer or shorter than promised, without a retry', async () => {
    const data = randomBytes(200_000);
    const url = upstream.route('/lies/sized.bin', serve(data));

    for (const size of [1000, data.length + 1]) {
      await expect(downloader().download(url, { size })).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    }
    expect(upstream.hits('/lies/sized.bin')).toBe(2);
    expect(await leftInTmp()).toEqual([]);
  });
});

describe('timeouts and connection failures', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(() => silent?.close());

  it('gives up with CONNECT_TIMEOUT when a connection is not made within connectTimeout', async () => {
    // The server accepts TCP but never answers the TLS handshake, so the connection is never made.
    const started = performance.now();
    await expect(downloader({ connectTimeout: 0.2, maxRetries: 0 }).download(`https://127.0.0.1:${silent.port}/x`)).rejects.toMatchObject({
      code: 'CONNECT_TIMEOUT', message: `No connection to 127.0.0.1:${silent.port} within 0.2 s for https://127.0.0.1:${silent.port}/x`,
    });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1000);
  });

  it('gives up with TIMEOUT past totalTimeout, whether no answer comes or the body stalls', async () => {
    const d = downloader({ totalTimeout: 0.3, maxRetries: 0 });
    const silentUrl = `http://127.0.0.1:${silent.port}/x`;
    let started = performance.now();
    await expect(d.download(silentUrl)).rejects.toMatchObject({
      code: 'TIMEOUT', message: `GET ${silentUrl} took longer than the remote's total timeout of 0.3 s`,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(1000);

    const stalling = upstream.route('/slow/stalls.bin', (_request, response) => {
      response.writeHead(200, { 'content-length': 1000 });
      response.write(Buffer.alloc(10));
    });
    started = performance.now();
    await expect(d.download(stalling)).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await leftInTmp()).toEqual([]);
  });

  it('fails with CONNECTION_FAILED when nothing listens', async () => {
    const closed = createTcpServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');

    await expect(downloader({ maxRetries: 0 }).download(`http://127.0.0.1:${port}/x`)).rejects.toMatchObject({
      code: 'CONNECTION_FAILED', message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});

describe('headers, credentials and redirects', () => {
  const settings = { headers: { 'X-Larder-Test': 'yes' }, username: 'alice', password: 'wonder land' };
  const basic = `Basic ${Buffer.from('alice:wonder land').toString('base64')}`;

  it('sends the remote headers and basic auth, also after a redirect within the origin', async () => {
    const url = upstream.route('/private/file.txt', serve('secret'));
    const renamed = upstream.route('/private/renamed.txt', redirect(301, '/private/file.txt'));

    await (await downloader(settings).download(url)).discard();
    await (await downloader(settings).download(renamed, { sha256: sha256('secret') })).discard();

    for (const headers of [...upstream.headersOf('/private/file.txt'), ...upstream.headersOf('/private/renamed.txt')]) {
      expect(headers).toMatchObject({ 'x-larder-test': 'yes', authorization: basic });
    }
  });

  it('sends the remote\'s credentials to its own origin only, even for a URL its metadata names elsewhere (a tarball host)', async () => {
    const elsewhere = await Upstream.start();
    try {
      const own = upstream.route('/private/own.txt', serve('own'));
      const foreign = elsewhere.route('/cdn/file.txt', serve('foreign'));
      const remote = downloader({ ...settings, url: upstream.url('/private/') });

      await (await remote.download(own, { sha256: sha256('own') })).discard();
      await (await remote.download(foreign, { sha256: sha256('foreign') })).discard();

      expect(upstream.headersOf('/private/own.txt')[0]).toMatchObject({ 'x-larder-test': 'yes', authorization: basic });
      expect(elsewhere.headersOf('/cdn/file.txt')[0]).not.toHaveProperty('authorization');
      expect(elsewhere.headersOf('/cdn/file.txt')[0]).not.toHaveProperty('x-larder-test');
    } finally {
      await elsewhere.close();
    }
  });

  it('does not forward basic auth nor the remote\'s headers (where tokens go) on a redirect to another origin', async () => {
    const elsewhere = await Upstream.start();
    try {
      const target = elsewhere.route('/mirror/file.txt', serve('moved'));
      const url = upstream.route('/private/moved.txt', redirect(302, target));

      const staged = await downloader(settings).download(url, { sha256: sha256('moved') });

      expect(upstream.headersOf('/private/moved.txt')[0]).toMatchObject({ authorization: basic });
      const [forwarded] = elsewhere.headersOf('/mirror/file.txt');
      expect(forwarded).not.toHaveProperty('x-larder-test');
      expect(forwarded).not.toHaveProperty('authorization');
      await staged.discard();
    } finally {
      await elsewhere.close();
    }
  });

  it('fails with REDIRECT_ERROR after 10 redirects', async () => {
    const url = upstream.route('/loop', redirect(302, '/loop'));

    await expect(downloader().download(url)).rejects.toMatchObject({ code: 'REDIRECT_ERROR', message: `GET ${url} led to more than 10 redirects` });
    expect(upstream.hits('/loop')).toBe(11);
  });

  it('neither sends nor shows credentials written into a URL', async () => {
    const url = upstream.url('/private/absent.txt');

    const error = await downloader().download(url.replace('http://', 'http://alice:hunter2@')).catch((e: Error) => e);

    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 404, url });
    expect((error as Error).message).not.toContain('hunter2');
    expect(upstream.headersOf('/private/absent.txt')[0]).not.toHaveProperty('authorization');
  });
});

describe('HTTPS', () => {
  let certificates: TestCertificates;
  let secure: Upstream;
  let mutual: Upstream;
  beforeAll(async () => {
    certificates = makeCertificates(join(root, 'certificates'));
    const server = { key: certificates.serverKey, cert: certificates.serverCert };
    secure = await Upstream.start(server);
    mutual = await Upstream.start({ ...server, ca: certificates.ca, requestCert: true, rejectUnauthorized: true });
    const greet: Handler = (request, response) =>
      serve(`hello ${(request.socket as TLSSocket).getPeerCertificate().subject?.CN ?? 'stranger'}`)(request, response);
    secure.route('/hello.txt', greet);
    mutual.route('/hello.txt', greet);
  });
  afterAll(async () => {
    await secure?.close();
    await mutual?.close();
  });

  async function hello(settings: Partial<RemoteSettings>, server: Upstream): Promise<string> {
    const staged = await downloader(settings).download(server.url('/hello.txt'));
    try {
      return await text(staged.open());
    } finally {
      await staged.discard();
    }
  }

  it('refuses a server whose certificate it cannot verify, with TLS_ERROR and no retry', async () => {
    const retries: RetryNotice[] = [];
    const d = downloader({}, { ...quickly, onRetry: (retry) => retries.push(retry) });

    await expect(d.download(secure.url('/hello.txt'))).rejects.toMatchObject({
      code: 'TLS_ERROR', message: expect.stringContaining('unable to verify the first certificate'),
    });
    expect(retries).toEqual([]);
    expect(secure.requests).toEqual([]);
  });

  it('trusts a server certified by the remote caCert, or any server with tlsValidation off', async () => {
    expect(await hello({ caCert: certificates.ca }, secure)).toBe('hello stranger');
    expect(await hello({ tlsValidation: false }, secure)).toBe('hello stranger');
  });

  it('presents clientCert and clientKey to a server that demands a client certificate', async () => {
    await expect(hello({ caCert: certificates.ca }, mutual)).rejects.toMatchObject({ code: 'TLS_ERROR' });

    const withCertificate = { caCert: certificates.ca, clientCert: certificates.clientCert, clientKey: certificates.clientKey };
    expect(await hello(withCertificate, mutual)).toBe('hello Larder test client');
  });
});

describe('abort', () => {
  it('stops a download at once mid-transfer, with no further request and nothing left behind', async () => {
    const sent = deferred();
    const url = upstream.route('/abort/large.bin', (_request, response) => {
      response.writeHead(200, { 'content-length': 1_000_000 });
      response.write(Buffer.alloc(1000), () => sent.resolve());
    });
    const controller = new AbortController();
    const download = downloader().download(url, {}, controller.signal);

    await sent.promise;
    const aborted = performance.now();
    controller.abort();

    await expect(download).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - aborted).toBeLessThan(200);
    expect(upstream.hits('/abort/large.bin')).toBe(1);
    expect(await leftInTmp()).toEqual([]);
  });

  it('stops at once while backing off before a retry', async () => {
    const url = upstream.route('/abort/unavailable.txt', status(503));
    const controller = new AbortController();
    const d = downloader(
      { maxRetries: 5 },
      { backoff: { firstMs: 60_000, maxMs: 60_000 }, onRetry: () => setImmediate(() => controller.abort()) },
    );
    const started = performance.now();

    await expect(d.download(url, {}, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(upstream.hits('/abort/unavailable.txt')).toBe(1);
  });

  it('stops a download waiting for a slot without ever sending it', async () => {
    const sent = deferred();
    const stalled = upstream.route('/abort/stalled.bin', (_request, response) => {
      response.writeHead(200, { 'content-length': 100 });
      response.write('x', () => sent.resolve());
    });
    const waiting = upstream.route('/abort/waiting.txt', serve('never asked for'));
    const first = new AbortController();
    const second = new AbortController();
    const d = downloader({ downloadConcurrency: 1 });
    const holding = d.download(stalled, {}, first.signal);
    const queued = d.download(waiting, {}, second.signal);

    await sent.promise;
    second.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    first.abort();
    await expect(holding).rejects.toMatchObject({ name: 'AbortError' });
    expect(upstream.hits('/abort/waiting.txt')).toBe(0);
  });
});

describe('open, for the content app', () => {
  const letters = 'abcdefghijklmnopqrstuvwxyz';

  it('hands over the response as it streams in', async () => {
    const rest = deferred();
    const url = upstream.route('/open/live.txt', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first part, ');
      void rest.promise.then(() => response.end('then the rest'));
    });

    const response = await downloader().open(url);
    expect(response).toMatchObject({ status: 200, url, headers: { 'content-type': 'text/plain' } });
    const chunks = response.body[Symbol.asyncIterator]();
    expect(String((await chunks.next()).value)).toBe('first part, ');
    rest.resolve();
    expect(String((await chunks.next()).value)).toBe('then the rest');
    expect((await chunks.next()).done).toBe(true);
  });

  it('retries until the response starts', async () => {
    const path = '/open/flaky.txt';
    const url = upstream.route(path, failing(path, 1, status(502), serve(letters)));

    const response = await downloader().open(url);

    expect(await text(response.body)).toBe(letters);
    expect(upstream.hits(path)).toBe(2);
  });
});

describe('URLs under a remote', () => {
  it('encodes each segment of a relative path, and refuses one that leaves the base', () => {
    expect(resolveUrl('https://example.org/repo', 'dir/a b#c.txt')).toBe('https://example.org/repo/dir/a%20b%23c.txt');
    expect(resolveUrl('https://example.org/repo/', 'ü.txt')).toBe('https://example.org/repo/%C3%BC.txt');
    expect(resolveUrl('https://example.org/my%20repo/?page=2', '100%.txt')).toBe('https://example.org/my%20repo/100%25.txt');
    for (const escape of ['../secret', 'a/../../b', '/etc/passwd', 'a//b', './a', '']) {
      expect(() => resolveUrl('https://example.org/repo/', escape)).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
    }
  });

  it('downloads files with awkward names from the URL resolveUrl gives', async () => {
    for (const name of ['a b#c.txt', 'ü.txt', '100%?.txt']) {
      upstream.route(`/names/${name}`, serve(`I am ${name}`));
      const staged = await downloader().download(resolveUrl(upstream.url('/names'), name), { sha256: sha256(`I am ${name}`) });
      await staged.discard();
    }
  });

  it('refuses a URL that is not http(s)', async () => {
    await expect(downloader().download('file:///etc/passwd')).rejects.toMatchObject({ code: 'INVALID_URL' });
  });
});
