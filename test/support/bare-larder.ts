import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../core/paths.js';
import type { LarderProcess } from './larder-process.js';
import { inOwnNetNamespace } from './net-namespace.js';

/** A larder process whose stderr is also kept apart: what an operator reads when start-up fails. */
export interface WatchedLarder extends LarderProcess {
  stderr: string[];
}

/**
 * Runs `larder <command>` (the built `dist/core/main.js`) with exactly `env` (plus PATH and HOME,
 * which `env` may replace); with `ownNetwork`, in a network namespace of its own, as on a machine
 * where neither PostgreSQL nor Redis runs.
 */
export function spawnWatchedLarder(command: string, env: Record<string, string>, { ownNetwork = false } = {}): WatchedLarder {
  const argv = [process.execPath, join('dist', 'core', 'main.js'), command];
  const [file, args] = ownNetwork ? inOwnNetNamespace(argv) : [argv[0]!, argv.slice(1)];
  const child = spawn(file, args, {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const stderr: string[] = [];
  const awaited = new Set<{ text: string; resolve(): void }>();
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  for (const [stream, lines] of [[child.stdout!, null], [child.stderr!, stderr]] as const) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      lines?.push(line);
      for (const waiter of awaited) {
        if (!line.includes(waiter.text)) continue;
        awaited.delete(waiter);
        waiter.resolve();
      }
    });
  }
  const logged = (text: string) => output.some((line) => line.includes(text))
    ? Promise.resolve()
    : new Promise<void>((resolve, reject) => {
      awaited.add({ text, resolve });
      void exited.then((code) => reject(new Error(`larder ${command} exited (${code}) before logging "${text}":\n${output.join('\n')}`)));
    });
  const url = logged('"msg":"Larder is listening"')
    .then(() => /"url":"(http:[^"]+)"/.exec(output.find((line) => line.includes('"msg":"Larder is listening"'))!)![1]!);
  url.catch(() => undefined);
  return {
    child,
    url,
    exited,
    output,
    stderr,
    logged,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The pid of the redis-server a larder process said it started. */
export function startedRedisPid(larder: LarderProcess): number {
  const line = larder.output.find((l) => l.includes('"msg":"started redis-server"'));
  if (!line) throw new Error(`no redis-server was started:\n${larder.output.join('\n')}`);
  return (JSON.parse(line) as { redisPid: number }).redisPid;
}
