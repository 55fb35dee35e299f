import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../core/paths.js';

export interface LarderProcess {
  child: ChildProcess;
  /** The API's URL, once the process logged that it listens (api and start roles). */
  url: Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Every log line so far, for failure messages. */
  output: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the built program (`dist/core/main.js`) as its own OS process, as an operator would,
 * with exactly the environment given (plus PATH and HOME).
 */
export function spawnLarder(command: string, env: Record<string, string>): LarderProcess {
  const child = spawn(process.execPath, ['dist/core/main.js', command], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = new Promise<string>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        const match = /"url":"(http:[^"]+)".*"msg":"Larder is listening"/.exec(line);
        if (match) resolve(match[1]!);
      });
    }
    void exited.then((code) => reject(new Error(`larder ${command} exited (${code}) before listening:\n${output.join('\n')}`)));
  });
  url.catch(() => undefined);
  return {
    child,
    url,
    exited,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
