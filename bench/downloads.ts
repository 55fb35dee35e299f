/**
 * The downloader's throughput on this machine, from a local HTTP server into a filesystem store:
 * many small files (where per-request cost dominates) and one large file (where streaming and
 * digesting do, and memory must not grow with its size). Prints one JSON line per figure.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Downloader } from '../core/download/downloader.js';
import { parseNetwork } from '../core/download/ip-networks.js';
import { allowRemoteNetworks } from '../core/download/remote-addresses.js';
import { FilesystemStorage } from '../core/storage/filesystem-storage.js';

const SMALL_FILES = 1000;
const LARGE_MIB = 256;
const chunk = Buffer.alloc(1024 * 1024, 'larder ');

const server = createServer((request, response) => {
  if (request.url === '/large') {
    response.writeHead(200, { 'content-length': LARGE_MIB * chunk.length });
    let sent = 0;
    // Written as the client reads, so the server holds one chunk, not the file.
    const more = () => {
      while (sent < LARGE_MIB) {
        sent++;
        if (!response.write(chunk)) return void response.once('drain', more);
      }
      response.end();
    };
    more();
    return;
  }
  const body = `small file ${request.url}\n`;
  response.writeHead(200, { 'content-length': Buffer.byteLength(body) });
  response.end(body);
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
// Loopback, which remotes reach only when allowed.
allowRemoteNetworks([parseNetwork('127.0.0.0/8')!]);
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const root = await mkdtemp(join(tmpdir(), 'larder-bench-'));
const storage = new FilesystemStorage(root);
const print = (figure: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'downloads', ...figure }));

for (const concurrency of [1, 5, 10, 20]) {
  const downloader = new Downloader({ downloadConcurrency: concurrency, maxRetries: 0 }, storage);
  const started = performance.now();
  const files = await Promise.all(
    Array.from({ length: SMALL_FILES }, (_, i) => downloader.download(`${origin}/small/${concurrency}/${i}`)),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(files.map((file) => file.discard()));
  print({ figure: 'small files per second', files: SMALL_FILES, concurrency, value: Math.round(SMALL_FILES / seconds) });
}

const downloader = new Downloader({ downloadConcurrency: 1, maxRetries: 0 }, storage);
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
const started = performance.now();
const large = await downloader.download(`${origin}/large`, { size: LARGE_MIB * chunk.length });
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
await large.discard();
print({ figure: 'large file MiB per second', mib: LARGE_MIB, value: Math.round(LARGE_MIB / seconds) });
print({ figure: 'memory growth MiB during the large file', mib: LARGE_MIB, value: Math.round((rssPeak - rssBefore) / 2 ** 20) });

server.close();
await rm(root, { recursive: true, force: true });
