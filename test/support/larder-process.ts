import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../core/paths.js';

export type Role = 'worker' | 'api';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A Larder (or another Node program) running as its own OS process, from the tsc build, as an operator would run it. */
export interface LarderProcess {
  pid: number;
  /** The API's URL (api role only). */
  url: string | null;
  exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<Exit>;
  /** Resolves once it logs a line containing `text` (now or later). */
  logged(text: string): Promise<void>;
  /** What it logged (for a failing test's message). */
  output(): string;
}

const READY: Record<Role, string> = { worker: 'worker ready', api: 'Larder is listening' };
const MAIN = join(projectRoot, 'dist', 'core', 'main.js');
/** A process not ready by then is killed, and its output shown. */
const START_TIMEOUT_MS = 30_000;

/** Starts `larder <role>` with `env` and resolves once it says it is ready. */
export function spawnLarder(role: Role, env: Record<string, string>): Promise<LarderProcess> {
  // At info level, so that its "ready" line shows.
  return spawnNode(MAIN, [role], { LARDER_WORKERS: '1', PORT: '0', ...env, LOG_LEVEL: 'info' }, READY[role]);
}

/** Starts a Node script and resolves once it prints a line containing `ready` (a JSON log line may carry a `url`). */
export async function spawnNode(script: string, args: string[], env: Record<string, string>, ready: string): Promise<LarderProcess> {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const awaited = new Map<string, () => void>();
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let url: string | null = null;
  const started = new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        if (lines.length > 500) lines.shift();
        for (const [text, resolveLogged] of awaited) if (line.includes(text)) resolveLogged();
        if (!line.includes(ready)) continue;
        url = line.startsWith('{') ? (JSON.parse(line) as { url?: string }).url ?? null : null;
        resolve();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk));
    void exited.then(({ code, signal }) => reject(new Error(`${script} ${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${lines.join('\n')}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  await started.finally(() => clearTimeout(timeout));
  return {
    pid: child.pid!,
    url,
    exited,
    kill: (signal) => child.kill(signal),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    output: () => lines.join('\n'),
    logged: (text) => lines.some((line) => line.includes(text))
      ? Promise.resolve()
      : new Promise((resolve) => awaited.set(text, resolve)),
  };
}
