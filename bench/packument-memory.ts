import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPackument } from '../plugins/npm/sync/packument-stream.js';
import { peakRssMb, report, round2 } from './support/measure.js';

/**
 * What reading a large packument costs in memory: the npm sync's streaming read (keeping the
 * outline and one version's document) against `JSON.parse` of the whole, each in a process of its
 * own, as the growth of its peak resident set. `BENCH_PACKUMENT_VERSIONS` sets the size.
 */
const VERSIONS = Number(process.env.BENCH_PACKUMENT_VERSIONS ?? 80_000);
const WANTED = '1.0.0';

type Way = 'stream' | 'parse';

async function child(way: Way, file: string): Promise<void> {
  const before = peakRssMb(process.pid);
  if (way === 'stream') {
    const read = await readPackument(createReadStream(file), new Set([WANTED]));
    if (!read.manifests.has(WANTED)) throw new Error('the wanted version was not kept');
  } else {
    const whole = JSON.parse(readFileSync(file, 'utf8')) as { versions: Record<string, unknown> };
    if (!whole.versions[WANTED]) throw new Error('the wanted version is missing');
  }
  process.stdout.write(String(peakRssMb(process.pid) - before));
}

function packument(): string {
  const versions: Record<string, unknown> = {};
  const time: Record<string, string> = {};
  for (let i = 0; i < VERSIONS; i++) {
    const version = `${Math.floor(i / 1000)}.${i % 1000}.0`;
    versions[version] = {
      name: 'huge', version, description: 'a package with very many versions', readme: 'x'.repeat(800),
      dependencies: { left: '^1.0.0', right: '~2.3.4' },
      dist: { tarball: `https://registry.example/huge/-/huge-${version}.tgz`, integrity: `sha512-${'A'.repeat(86)}==`, shasum: 'a'.repeat(40) },
    };
    time[version] = new Date(1_600_000_000_000 + i * 60_000).toISOString();
  }
  return JSON.stringify({ name: 'huge', 'dist-tags': { latest: WANTED }, versions, time });
}

function measure(way: Way, file: string): number {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), way, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the ${way} child failed: ${run.stderr}`);
  return Number(run.stdout);
}

const [way, file] = process.argv.slice(2);
if (way === 'stream' || way === 'parse') {
  await child(way, file!);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'larder-packument-'));
  try {
    const path = join(dir, 'huge.json');
    const text = packument();
    writeFileSync(path, text);
    const mb = Buffer.byteLength(text) / 1024 / 1024;
    const streamed = measure('stream', path);
    const parsed = measure('parse', path);
    report('packument_peak_rss_growth_mb', streamed, {
      way: 'stream', baseline: round2(parsed), baseline_way: 'JSON.parse', ratio: round2(streamed / parsed),
      packument_mb: Math.round(mb * 10) / 10, versions: VERSIONS,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
