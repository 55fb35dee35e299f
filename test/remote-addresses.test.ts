import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../core/config.js';
import { inNetworks, parseNetwork } from '../core/download/ip-networks.js';
import { isPublicAddress } from '../core/download/public-addresses.js';
import { sha256 } from './support/content.js';
import { FileRepositorySteps } from './support/file-repository.js';
import { FileTree } from './support/file-tree.js';
import { LOOPBACK_NETWORKS } from './support/identities.js';
import { spawnLarder, spawnLarderWithHosts, type LarderProcess } from './support/larder-process.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import type { TaskView } from './support/tasks.js';
import { redirect, serve, startSilentServer, Upstream, type Handler } from './support/upstream.js';

/**
 * Remotes reach the public internet only, unless LARDER_ALLOWED_REMOTE_NETWORKS allows more: a
 * remote, a redirect or a name that leads to loopback is refused before anything is connected to
 * (REMOTE_ADDRESS_REFUSED), the same whatever listens there; and a client's Range on a file still
 * upstream is answered from the verified whole, never relayed.
 */

describe('the public internet', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '100.127.255.255', '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1',
    '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '192.0.0.8',
    '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::127.0.0.1',
    '64:ff9b::a00:1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1', '2001:db8::1',
    '2002:7f00:1::1', '2001::1', '3fff::1', 'localhost', '',
  ])('does not hold %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '169.253.255.255', '11.0.0.1', '192.169.0.1',
    '223.255.255.255', '::ffff:8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e',
  ])('holds %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('allows networks given as CIDRs or single addresses, an IPv4 network with its IPv4-mapped spellings', () => {
    const allowed = inNetworks(['10.0.0.0/8', 'fd00::/8', '192.0.2.7'].map((text) => parseNetwork(text)!));
    for (const address of ['10.0.0.1', '10.255.255.255', '::ffff:10.9.8.7', 'fd00::1', '192.0.2.7']) expect(allowed(address), address).toBe(true);
    for (const address of ['11.0.0.1', '192.0.2.8', 'fe80::1', '::1', '127.0.0.1']) expect(allowed(address), address).toBe(false);
  });

  it('takes LARDER_ALLOWED_REMOTE_NETWORKS as comma-separated networks, and refuses anything else naming the setting', () => {
    expect(loadConfig({}).allowedRemoteNetworks).toEqual([]);
    expect(loadConfig({ LARDER_ALLOWED_REMOTE_NETWORKS: ' 10.0.0.0/8, ::1/128,' }).allowedRemoteNetworks).toEqual([
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' }, { address: '::1', prefix: 128, family: 'ipv6' },
    ]);
    for (const bad of ['10.0.0.0/33', '::1/129', 'mirror.example', '10.0.0.0/8;192.168.0.0/16', 'fe80::1%eth0/64', '10.0.0/8']) {
      expect(() => loadConfig({ LARDER_ALLOWED_REMOTE_NETWORKS: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ LARDER_ALLOWED_REMOTE_NETWORKS: bad }), bad).toThrow(/^LARDER_ALLOWED_REMOTE_NETWORKS must be/);
    }
  });
});

let t: TestLarder;
let steps: FileRepositorySteps;
let upstream: Upstream;
let tree: FileTree;
/** A worker, an api or a namespaced worker of one test, stopped after it. */
const running: LarderProcess[] = [];

beforeAll(async () => {
  // The API and content app of this process reach the public internet only; workers come per test.
  t = await startTestLarder({ workers: 0, env: { LARDER_ALLOWED_REMOTE_NETWORKS: '' } });
  steps = new FileRepositorySteps(t.client);
  upstream = await Upstream.start();
  tree = new FileTree(upstream, '/loopback/').set('a.txt', 'alpha').set('b.txt', 'bravo');
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await upstream?.close();
  await t?.stop();
});

/** Runs `story` with one worker whose LARDER_ALLOWED_REMOTE_NETWORKS is `allowed`, the only one. */
async function withWorker<T>(allowed: string, story: () => Promise<T>): Promise<T> {
  const worker = await t.spawn('worker', { LARDER_ALLOWED_REMOTE_NETWORKS: allowed });
  try {
    return await story();
  } finally {
    await worker.stop();
  }
}

let n = 0;
async function syncFrom(url: string, extra: Record<string, unknown> = {}): Promise<{ task: TaskView; repository: string }> {
  const name = `remote-addresses-${++n}`;
  const repository = await steps.repository(name);
  return { task: await steps.sync(repository, await steps.remote(name, url, extra)), repository };
}

function expectRefused(task: TaskView, host: string): void {
  expect(task.state).toBe('FAILED');
  expect(task.error?.code).toBe('REMOTE_ADDRESS_REFUSED');
  expect(task.error?.description).toContain(host);
  expect(task.error?.description).toContain('LARDER_ALLOWED_REMOTE_NETWORKS');
}

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a remote on loopback', () => {
  it('is refused without the allow-list, never connected to, with one error whatever listens there; and syncs with it', async () => {
    const silent = await startSilentServer();
    try {
      const connections = upstream.connections;
      const answers = await withWorker('', async () => {
        const behind = { 'an HTTP server': upstream.origin, 'a silent server': `http://127.0.0.1:${silent.port}`, 'nothing': `http://127.0.0.1:${await closedPort()}` };
        const tasks: Record<string, string> = {};
        for (const [what, origin] of Object.entries(behind)) {
          const { task } = await syncFrom(`${origin}/loopback/`);
          expectRefused(task, '127.0.0.1');
          tasks[what] = task.error!.description.replace(origin, 'ORIGIN');
        }
        return tasks;
      });
      // No port-scan oracle: the answer does not depend on what is behind the address.
      expect(new Set(Object.values(answers)).size, JSON.stringify(answers)).toBe(1);
      expect(upstream.connections).toBe(connections);

      const { task, repository } = await withWorker(LOOPBACK_NETWORKS, () => syncFrom(tree.url));
      expect(task.state).toBe('COMPLETED');
      expect((await steps.latest(repository)).number).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it('is refused on a redirect from an allowed host to a refused one', async () => {
    const allowedHost = await Upstream.start(undefined, '127.0.0.2');
    try {
      const direct = new FileTree(allowedHost, '/direct/').set('c.txt', 'charlie');
      allowedHost.route('/moved/PULP_MANIFEST', redirect(302, upstream.url('/loopback/PULP_MANIFEST')));
      const connections = upstream.connections;
      await withWorker('127.0.0.2/32', async () => {
        expect((await syncFrom(direct.url)).task.state).toBe('COMPLETED');
        expectRefused((await syncFrom(allowedHost.url('/moved/'))).task, '127.0.0.1');
      });
      expect(allowedHost.hits('/moved/PULP_MANIFEST')).toBe(1);
      expect(upstream.connections).toBe(connections);
    } finally {
      await allowedHost.close();
    }
  });

  it('is refused by a name that resolves to it, where the name resolves (its own /etc/hosts), and syncs by that name when allowed', async () => {
    const hosts = join(t.env.LARDER_HOME!, 'hosts');
    writeFileSync(hosts, '127.0.0.1 localhost\n::1 localhost\n127.0.0.1 mirror.larder.test\n');
    const byName = tree.url.replace('127.0.0.1', 'mirror.larder.test');
    const worker = async (allowed: string) => {
      const child = spawnLarderWithHosts('worker', hosts, {
        ...t.env, LARDER_WORKERS: '1', PORT: '0', LOG_LEVEL: 'info', LARDER_ALLOWED_REMOTE_NETWORKS: allowed,
      });
      running.push(child);
      await child.logged('"msg":"worker ready"');
      return child;
    };

    const connections = upstream.connections;
    const refusing = await worker('');
    expectRefused((await syncFrom(byName)).task, 'mirror.larder.test resolves to no address on the public internet');
    await refusing.stop();
    expect(upstream.connections).toBe(connections);

    const allowing = await worker(LOOPBACK_NETWORKS);
    expect((await syncFrom(byName)).task.state).toBe('COMPLETED');
    await allowing.stop();
  });
});

describe('a file still upstream', () => {
  const large = randomBytes(300_000);
  const small = Buffer.from('a small file, fetched whole and verified before any of it is sent');
  /** Answers a Range with bytes of its choosing, as an internal service reached through a relayed Range would. */
  const rangeAbuser = (whole: Buffer): Handler => (req, res) => {
    if (!req.headers.range) return serve(whole)(req, res);
    res.writeHead(206, { 'content-range': `bytes 0-15/${whole.length}`, 'content-length': 16 });
    res.end('internal secrets');
  };
  let contentUrl: string;
  let api: LarderProcess;
  let apiUrl: string;

  beforeAll(async () => {
    const files = new FileTree(upstream, '/upstream-files/').set('large.bin', large).set('small.txt', small).set('wrong.bin', large);
    upstream.route('/upstream-files/large.bin', rangeAbuser(large));
    upstream.route('/upstream-files/small.txt', rangeAbuser(small));
    await withWorker(LOOPBACK_NETWORKS, async () => {
      const { task, repository } = await syncFrom(files.url, { policy: 'ON_DEMAND' });
      expect(task.state).toBe('COMPLETED');
      contentUrl = await steps.distribute('upstream-files', 'upstream-files', { repositoryId: repository });
    });
    files.set('wrong.bin', Buffer.from(large.map((byte, i) => (i === large.length - 1 ? byte ^ 1 : byte))));
    api = await t.spawn('api', { LARDER_ALLOWED_REMOTE_NETWORKS: LOOPBACK_NETWORKS });
    apiUrl = await api.url;
  });

  const via = (origin: string, path: string) => `${origin}${new URL(contentUrl).pathname}${path}`;

  it('answers 502 with the code, and none of upstream\'s bytes, from a content app without the allow-list', async () => {
    const res = await fetch(via(new URL(t.larder.url!).origin, 'small.txt'));
    expect(res.status).toBe(502);
    const body = await res.text();
    expect(body).toMatch(/^Bad Gateway \(REMOTE_ADDRESS_REFUSED\): .*127\.0\.0\.1 is not an address on the public internet, nor in LARDER_ALLOWED_REMOTE_NETWORKS/);
    expect(body).not.toContain(small.toString());
    expect(upstream.hits('/upstream-files/small.txt')).toBe(0);
  });

  it('answers a Range from the verified whole, never asking upstream for it; a wrong file never arrives whole', async () => {
    const part = await fetch(via(apiUrl, 'large.bin'), { headers: { range: 'bytes=100000-100099' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100000-100099/${large.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(large.subarray(100_000, 100_100));

    const head = await fetch(via(apiUrl, 'small.txt'), { headers: { range: 'bytes=2-6' } });
    expect(head.status).toBe(206);
    expect(await head.text()).toBe('small');

    // Its head may not even have gone out: the range's bytes wait for the whole, which proves wrong.
    await expect(fetch(via(apiUrl, 'wrong.bin'), { headers: { range: 'bytes=0-99' } }).then((res) => res.arrayBuffer())).rejects.toThrow();

    const asked = upstream.requests.filter((r) => r.path.startsWith('/upstream-files/') && !r.path.endsWith('PULP_MANIFEST'));
    expect(asked.map((r) => r.path).sort()).toEqual(['/upstream-files/large.bin', '/upstream-files/small.txt', '/upstream-files/wrong.bin']);
    expect(asked.map((r) => r.headers.range)).toEqual([undefined, undefined, undefined]);

    // On demand, the verified whole was kept: the next range comes from storage.
    const again = await fetch(via(apiUrl, 'large.bin'), { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await again.arrayBuffer())).toEqual(large.subarray(-10));
    expect(upstream.hits('/upstream-files/large.bin')).toBe(1);
  });

  it('leaves the servers answering other requests afterwards', async () => {
    expect(await t.client.data('{ me { username } }')).toEqual({ me: { username: 'admin' } });
    const whole = await fetch(via(apiUrl, 'large.bin'));
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(large));
    expect((await fetch(via(new URL(t.larder.url!).origin, 'missing.txt'))).status).toBe(404);
  });
});

it('a bad LARDER_ALLOWED_REMOTE_NETWORKS stops start-up with one line', async () => {
  const larder = spawnLarder('worker', { ...t.env, LARDER_ALLOWED_REMOTE_NETWORKS: '10.0.0.0/8,192.168.0.0/33' });
  expect(await larder.exited).toBe(2);
  expect(larder.stderr).toEqual([
    'larder: LARDER_ALLOWED_REMOTE_NETWORKS must be comma-separated networks such as 10.0.0.0/8,fd00::/8, got "192.168.0.0/33"',
  ]);
});
