import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileRepositorySteps } from '../test/support/file-repository.js';
import { startTestLarder } from '../test/support/test-larder.js';
import { generateRemote } from './support/generated-remote.js';
import { startNginx } from './support/nginx.js';
import { inParallel, peakRssMb, report } from './support/measure.js';

/**
 * The content app's throughput (issue 4): 1 KB files from a distribution, served by one Larder
 * api process, beside nginx (one worker process) serving the same files from disk, both under
 * the same wrk load that walks through every file in turn.
 */
const FILES = Number(process.env.BENCH_CONTENT_FILES ?? 1_000);
const SIZE = 1024;
const SECONDS = Number(process.env.BENCH_CONTENT_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONTENT_CONNECTIONS ?? 50);
const TARGET = 5_000;
const run = promisify(execFile);

/** wrk cycling through the paths listed in a file, one request each in turn. */
const ROTATE = `
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.duration))
end
`;

interface Load { requestsPerS: number; errors: number; p50Ms: number; p99Ms: number }

async function wrk(origin: string, paths: string[], work: string): Promise<Load> {
  const list = join(work, `paths-${Date.now()}`);
  await writeFile(list, paths.join('\n'));
  const { stdout } = await run('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', join(work, 'rotate.lua'), origin], {
    env: { ...process.env, WRK_PATHS: list },
  });
  const [requests, errors, p50, p99, duration] = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(stdout)!.slice(1).map(Number) as number[];
  return { requestsPerS: requests! / (duration! / 1e6), errors: errors!, p50Ms: p50! / 1000, p99Ms: p99! / 1000 };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'larder-bench-content-'));
  const remote = await generateRemote(FILES, SIZE);
  const { paths } = remote;
  await writeFile(join(work, 'rotate.lua'), ROTATE);
  const nginx = await startNginx(remote.root);
  const t = await startTestLarder({ workers: 1, env: { STORAGE_PATH: join(work, 'storage'), LARDER_DB_POOL: '10' } });
  try {
    const steps = new FileRepositorySteps(t.client);
    const repository = await steps.repository('bench');
    const sync = await steps.sync(repository, await steps.remote('bench', `${nginx.origin}/`));
    if (sync.state !== 'COMPLETED') throw new Error(`sync failed: ${JSON.stringify(sync.error)}`);
    const baseUrl = await steps.distribute('bench', 'bench', { publicationId: await steps.publish(repository) });
    const server = await t.spawn('api', { STORAGE_PATH: join(work, 'storage'), LOG_LEVEL: 'warn' });
    // The distribution's path, on the process under load.
    const larderBase = new URL(new URL(baseUrl).pathname.replace(/\/?$/, '/'), await server.url);
    const sample = await fetch(new URL(paths[0]!, larderBase));
    if (sample.status !== 200 || (await sample.arrayBuffer()).byteLength !== SIZE) throw new Error(`Larder served ${sample.status} for ${paths[0]}`);

    const context = { files: FILES, bytes: SIZE, connections: CONNECTIONS, seconds: SECONDS };
    // Each server reads every file once first (nginx into the page cache, Larder into its caches);
    // Larder's first pass, which asks PostgreSQL and reads each file, is a figure of its own.
    const larderPaths = paths.map((p) => `${larderBase.pathname}${p}`);
    await inParallel(CONNECTIONS, paths.length, async (i) => (await fetch(`${nginx.origin}/${paths[i]}`)).arrayBuffer());
    const coldStart = performance.now();
    await inParallel(CONNECTIONS, paths.length, async (i) => (await fetch(`${larderBase.origin}${larderPaths[i]}`)).arrayBuffer());
    report('content_first_pass_requests_per_s', paths.length / ((performance.now() - coldStart) / 1000), { server: 'larder', ...context });
    const baseline = await wrk(nginx.origin, paths.map((p) => `/${p}`), work);
    const larder = await wrk(larderBase.origin, larderPaths, work);
    for (const [server, load] of [['nginx', baseline], ['larder', larder]] as const) {
      report('content_requests_per_s', load.requestsPerS, { server, ...context, ...(server === 'larder' ? { target: TARGET } : {}) });
      report('content_latency_ms_p50', load.p50Ms, { server, ...context });
      report('content_latency_ms_p99', load.p99Ms, { server, ...context });
      if (load.errors > 0) report('content_errors', load.errors, { server, ...context });
    }
    report('content_to_nginx_ratio', larder.requestsPerS / baseline.requestsPerS, context);
    report('content_peak_rss_mb', peakRssMb(server.child.pid!), { server: 'larder', ...context });
  } finally {
    await t.stop();
    await nginx.stop();
    await remote.remove();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
