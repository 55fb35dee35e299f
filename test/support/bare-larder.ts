import { join } from 'node:path';
import { spawnProgram, type LarderProcess } from './larder-process.js';
import { inOwnNetNamespace } from './net-namespace.js';

/**
 * Runs `larder <command>` (the built `dist/core/main.js`) with exactly `env` (plus PATH and HOME,
 * which `env` may replace); with `ownNetwork`, in a network namespace of its own, as on a machine
 * where neither PostgreSQL nor Redis runs.
 */
export function spawnWatchedLarder(command: string, env: Record<string, string>, { ownNetwork = false } = {}): LarderProcess {
  const argv = [process.execPath, join('dist', 'core', 'main.js'), command];
  const [file, args] = ownNetwork ? inOwnNetNamespace(argv) : [argv[0]!, argv.slice(1)];
  return spawnProgram(file, args, env);
}

/** The pid of the redis-server a larder process said it started. */
export function startedRedisPid(larder: LarderProcess): number {
  const line = larder.output.find((l) => l.includes('"msg":"started redis-server"'));
  if (!line) throw new Error(`no redis-server was started:\n${larder.output.join('\n')}`);
  return (JSON.parse(line) as { redisPid: number }).redisPid;
}
