import 'reflect-metadata';
import { loadavg } from 'node:os';
import { FileRepositorySteps } from '../test/support/file-repository.js';
import { startFreshLarder } from './support/fresh-larder.js';
import { generateRemote, type GeneratedRemote } from './support/generated-remote.js';
import { peakRssMb, report } from './support/measure.js';
import { startNginx } from './support/nginx.js';
import { timeParallelCurl } from './support/parallel-curl.js';

/**
 * Sync (issue): a generated remote of small files (50 bytes, the size of Pulp's file-perf
 * fixture) served by nginx, synced by one `larder start` process with the immediate and the
 * on-demand policy; beside it, in the same run, 10 plain curl processes fetching the same files.
 * Two sizes, to show time grows with the files and memory does not.
 *
 * Every round has a Larder process of its own, on a fresh database and empty storage: the
 * immediate sync finds no artifact stored before it, and the process's peak RSS is that round's.
 */
const SIZES = (process.env.BENCH_SYNC_FILES ?? '2000,20000').split(',').map(Number);
const FILE_BYTES = 50;
const CURLS = 10;
const POLICIES = ['IMMEDIATE', 'ON_DEMAND'] as const;
type Policy = (typeof POLICIES)[number];
/** The targets, for 20,000 files. */
const TARGET_S: Record<Policy, number> = { IMMEDIATE: 20, ON_DEMAND: 5 };
const TARGET_FILES = 20_000;
const TARGET_RSS_MB = 300;

/**
 * The machine's 1-minute load average when a figure was taken: on a shared machine, other work
 * slows Larder and curl alike, and the ratio between them is the figure that survives it.
 */
const load = () => Math.round(loadavg()[0]! * 100) / 100;

async function syncRound(origin: string, files: number, policy: Policy): Promise<number> {
  const larder = await startFreshLarder();
  try {
    const steps = new FileRepositorySteps(larder.client);
    const remote = await steps.remote('bench', `${origin}/`, { policy });
    const repository = await steps.repository('bench');
    const idleRssMb = peakRssMb(larder.pid);
    const started = performance.now();
    const task = await steps.sync(repository, remote);
    const seconds = (performance.now() - started) / 1000;
    if (task.state !== 'COMPLETED') throw new Error(`sync ${task.state}: ${JSON.stringify(task.error)}`);
    const peak = peakRssMb(larder.pid);
    await verify(steps, repository, files, policy);

    const target = files === TARGET_FILES ? { target_s: TARGET_S[policy] } : {};
    report('sync_s', seconds, { files, policy, ...target, load_1m: load() });
    report('sync_task_run_s', (Date.parse(task.finishedAt!) - Date.parse(task.startedAt!)) / 1000, { files, policy });
    report('peak_rss_mb', peak, { files, policy, idle_rss_mb: Math.round(idleRssMb), target_mb: TARGET_RSS_MB });
    return seconds;
  } finally {
    await larder.stop();
  }
}

/** Fails the run unless the new version holds every file (and, synced immediately, every file is stored). */
async function verify(steps: FileRepositorySteps, repository: string, files: number, policy: Policy): Promise<void> {
  const present = (await steps.latest(repository)).contentSummary.present?.[0]?.count ?? 0;
  if (present !== files) throw new Error(`the synced version holds ${present} files, not ${files}`);
  const { artifacts } = await steps.stored();
  const expected = policy === 'IMMEDIATE' ? files : 0;
  if (artifacts !== expected) throw new Error(`${artifacts} artifacts stored after a ${policy} sync of ${files} files, not ${expected}`);
}

async function sizeRound(files: number): Promise<void> {
  let remote: GeneratedRemote | null = null;
  let nginx: Awaited<ReturnType<typeof startNginx>> | null = null;
  try {
    remote = await generateRemote(files, FILE_BYTES);
    nginx = await startNginx(remote.root);
    const origin = nginx.origin;
    const curl = await timeParallelCurl(remote.paths.map((path) => `${origin}/${path}`), CURLS);
    report('curl_fetch_s', curl, { files, processes: CURLS, load_1m: load() });
    for (const policy of POLICIES) {
      const seconds = await syncRound(origin, files, policy);
      report('sync_to_curl_ratio', seconds / curl, { files, policy });
    }
  } finally {
    await nginx?.stop();
    await remote?.remove();
  }
}

for (const files of SIZES) await sizeRound(files);
