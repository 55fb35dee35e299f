import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { describeCause, StartupError, urlTarget } from '../startup-error.js';

/** How long a redis-server Larder started may take to answer. */
const READY_TIMEOUT_MS = 10_000;
/** How often to ask whether it answers yet: a port that starts listening is no event to await. */
const READY_POLL_MS = 25;

export interface EnsureRedisOptions {
  /** REDIS_URL was set: that Redis is meant, and Larder starts none in its place. */
  explicit: boolean;
  /** A started redis-server keeps its files (and its log) under `<home>/redis`. */
  home: string;
  log: Logger;
  /**
   * Takes the stop of a started redis-server the moment it is spawned, before it answers, so that
   * whatever fails from then on (its own start-up too) stops it.
   */
  own(stop: () => Promise<void>): void;
}

/** Whether a Redis answers at `url` now (one try, at most a second to connect and one to answer). */
export async function reachable(url: string): Promise<boolean> {
  // The command timeout is for a port where something other than Redis accepts and never answers.
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1000, commandTimeout: 1000, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function onPath(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Spawns redis-server so that it ends with this process however that ends. Where util-linux's
 * `setpriv` is at hand the kernel sends it SIGTERM when Larder dies, even by SIGKILL; everywhere,
 * Node's exit (process.exit, an uncaught error) kills it synchronously. A graceful stop, which
 * waits for it, is the owner's.
 */
function spawnRedisServer(binary: string, args: string[]): ChildProcess {
  const setpriv = process.platform === 'linux' ? onPath('setpriv') : null;
  const child = setpriv
    ? spawn(setpriv, ['--pdeathsig', 'TERM', binary, ...args], { stdio: 'ignore' })
    : spawn(binary, args, { stdio: 'ignore' });
  const killOnExit = () => child.kill('SIGTERM');
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  // An 'error' (it could not be run, a signal could not be sent) must not crash Larder; the
  // readiness wait reports the one that matters.
  child.on('error', () => undefined);
  return child;
}

async function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

function lastLine(file: string): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').at(-1) ?? '';
  } catch {
    return '';
  }
}

/** Resolves once `url` answers; throws if the child ends first or stays silent too long. */
async function untilAnswering(child: ChildProcess, url: string, logFile: string): Promise<void> {
  const ended = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited (${signal ?? `code ${code}`})`));
    child.once('error', (error) => resolve(`could not run (${describeCause(error)})`));
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await reachable(url))) {
    const end = await Promise.race([ended, delay(READY_POLL_MS, null)]);
    if (end !== null) {
      const said = lastLine(logFile);
      throw new StartupError(`the redis-server Larder started for ${urlTarget(url)} ${end}${said ? `: "${said}"` : ''} (its log: ${logFile})`);
    }
    if (Date.now() > deadline) {
      throw new StartupError(`the redis-server Larder started did not answer at ${urlTarget(url)} within ${READY_TIMEOUT_MS / 1000} s (its log: ${logFile})`);
    }
  }
}

/**
 * Uses the Redis at `url`. When none answers and REDIS_URL was not set (the embedded default),
 * starts redis-server from PATH with its files under `<home>/redis`, handing its stop to `own`.
 */
export async function ensureRedis(url: string, options: EnsureRedisOptions): Promise<void> {
  if (await reachable(url)) return;
  const target = urlTarget(url);
  if (options.explicit) {
    throw new StartupError(`Redis at ${target} (REDIS_URL) is not reachable: start it, or unset REDIS_URL to use a Redis on 127.0.0.1:6379 or else one Larder starts`);
  }
  const binary = onPath('redis-server');
  if (!binary) {
    throw new StartupError(`no Redis at ${target} and no redis-server on PATH: install Redis (e.g. apt-get install redis-server) or set REDIS_URL`);
  }
  const dir = join(options.home, 'redis');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StartupError(`cannot make ${dir} for redis-server (LARDER_HOME): ${describeCause(error)}`);
  }
  const parsed = new URL(url);
  const logFile = join(dir, 'redis-server.log');
  const child = spawnRedisServer(binary, [
    '--port', parsed.port || '6379', '--bind', parsed.hostname || '127.0.0.1',
    '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', logFile,
  ]);
  options.own(() => stopRedisServer(child));
  await untilAnswering(child, url, logFile);
  options.log.info({ url, redisPid: child.pid, dir }, 'started redis-server');
}
