import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Fetches every URL with `processes` curl processes side by side, each taking its share of the
 * list over one kept-alive connection and discarding the bodies: what a plain parallel HTTP client
 * costs, the baseline a sync is compared with. Returns the wall time in seconds, from the first
 * process started to the last one done; fails unless every response was a 200.
 */
export async function timeParallelCurl(urls: readonly string[], processes: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'larder-curl-'));
  try {
    const configs = await Promise.all(Array.from({ length: processes }, async (_, p) => {
      const share = urls.filter((_, i) => i % processes === p);
      const config = join(dir, `${p}.conf`);
      await writeFile(config, share.map((url) => `url = "${url}"\noutput = "/dev/null"\n`).join(''));
      return config;
    }));
    const started = performance.now();
    const statuses = await Promise.all(configs.map(async (config) => {
      // One status per line, so the caller can tell every file arrived.
      const child = spawn('curl', ['--silent', '--write-out', '%{http_code}\\n', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      const [code] = await once(child, 'exit');
      if (code !== 0) throw new Error(`curl exited with ${code}`);
      return out.split('\n').filter(Boolean);
    }));
    const seconds = (performance.now() - started) / 1000;
    const ok = statuses.flat().filter((s) => s === '200').length;
    if (ok !== urls.length) throw new Error(`curl fetched ${ok} of ${urls.length} files with status 200`);
    return seconds;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
