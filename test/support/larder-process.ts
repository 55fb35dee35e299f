import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../core/paths.js';

export interface LarderProcess {
  child: ChildProcess;
  /** The API's URL, once the process logged that it listens (api and start roles). */
  url: Promise<string>;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Every log line so far, for failure messages. */
  output: string[];
  /** The lines written to stderr alone: what an operator reads when start-up fails. */
  stderr: string[];
  /** Resolves once it has logged a line containing `text`; rejects if it exits first. */
  logged(text: string): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the built program (`dist/core/main.js`) as its own OS process, as an operator would,
 * with exactly the environment given (plus PATH and HOME).
 */
export function spawnLarder(command: string, env: Record<string, string>): LarderProcess {
  return spawnNode(join('dist', 'core', 'main.js'), [command], env);
}

/**
 * Runs `larder <command>` as a container would: in UTS and PID namespaces of its own, with
 * `hostname` as its host name and pid 1, so a restarted "container" has the same name and pid
 * as the one before. Killing it (even SIGKILL) kills what runs inside.
 */
export function spawnLarderContained(command: string, hostname: string, env: Record<string, string>): LarderProcess {
  const script = `hostname ${hostname} && exec "${process.execPath}" ${join('dist', 'core', 'main.js')} ${command}`;
  const contained = spawnProgram('unshare', ['--uts', '--pid', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', script], env);
  return {
    ...contained,
    // unshare waits for its child with SIGTERM and SIGINT blocked: signal the program inside, and
    // unshare ends with its exit status.
    async stop(signal = 'SIGTERM') {
      const inside = childOf(contained.child.pid!);
      if (inside !== null && signal !== 'SIGKILL') process.kill(inside, signal);
      else return contained.stop(signal);
      return contained.exited;
    },
  };
}

/**
 * Runs `larder <command>` in a mount namespace of its own where `hostsFile` is /etc/hosts, so names
 * resolve as that file says, for it alone. Needs root. `unshare` and `sh` exec the program: it
 * keeps their pid, and signals reach it.
 */
export function spawnLarderWithHosts(command: string, hostsFile: string, env: Record<string, string>): LarderProcess {
  const script = `mount --bind "$0" /etc/hosts && exec "${process.execPath}" ${join('dist', 'core', 'main.js')} ${command}`;
  return spawnProgram('unshare', ['--mount', 'sh', '-c', script, hostsFile], env);
}

function childOf(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || null;
  } catch {
    return null;
  }
}

/** Runs a built script (a path from the project folder) as its own OS process, with exactly `env` (plus PATH and HOME). */
export function spawnNode(script: string, args: string[], env: Record<string, string>): LarderProcess {
  return spawnProgram(process.execPath, [script, ...args], env);
}

/** Runs `program` from the project folder with exactly `env` (plus PATH and HOME, which `env` may replace). */
export function spawnProgram(program: string, args: string[], env: Record<string, string>): LarderProcess {
  const script = args.join(' ');
  const child = spawn(program, args, {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const stderr: string[] = [];
  const awaited = new Set<{ text: string; resolve(): void }>();
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  for (const [stream, only] of [[child.stdout!, null], [child.stderr!, stderr]] as const) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      only?.push(line);
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
      void exited.then((code) => reject(new Error(`${program} ${script} exited (${code}) before logging "${text}":\n${output.join('\n')}`)));
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
