import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NpmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real npm CLI, cut off from everything but the registry a test names: its own HOME, an empty
 * cache, empty user and global configuration, no audit, fund or update check.
 */
export class NpmCli {
  readonly root = mkdtempSync(join(tmpdir(), 'larder-npm-cli-'));
  private readonly home = join(this.root, 'home');
  private readonly userconfig = join(this.root, 'npmrc');
  private readonly globalconfig = join(this.root, 'global-npmrc');

  constructor() {
    mkdirSync(this.home);
    writeFileSync(this.userconfig, '');
    writeFileSync(this.globalconfig, '');
  }

  /** A fresh directory under this CLI's root, with the files given. */
  project(name: string, files: Record<string, string> = {}): string {
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true });
    for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
    return dir;
  }

  /** Lets npm send `token` to `registry` (as `npm login` would write it to .npmrc). */
  authenticate(registry: string, token: string): void {
    writeFileSync(this.userconfig, `${registry.replace(/^https?:/, '')}:_authToken=${token}\n`);
  }

  /** What npm keeps in its user configuration (where `npm login` saves a token). */
  userConfig(): string {
    return readFileSync(this.userconfig, 'utf8');
  }

  /** Forgets every token. */
  logout(): void {
    writeFileSync(this.userconfig, '');
  }

  private isolation(): string[] {
    return [
      '--cache', mkdtempSync(join(this.root, 'cache-')), '--userconfig', this.userconfig, '--globalconfig', this.globalconfig,
      '--prefer-online', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel', 'warn',
    ];
  }

  private get env(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? '', HOME: this.home };
  }

  /** Runs npm in `cwd` with an empty cache of its own; resolves with the exit code, whatever it is. */
  run(cwd: string, args: string[]): Promise<NpmRun> {
    return new Promise((resolve) => {
      execFile('npm', [...args, ...this.isolation()], { cwd, env: this.env }, (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
      });
    });
  }

  /**
   * `npm login` as a person types it: npm prompts only on a terminal, so it runs on a pseudo-terminal
   * (util-linux `script`), and each answer is typed once its prompt shows. Everything npm writes,
   * errors included, comes back as `stdout`.
   */
  login(args: string[], answers: { username: string; password: string }): Promise<NpmRun> {
    const quoted = ['npm', 'login', ...args, ...this.isolation()].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
    const terminal = spawn('script', ['-qec', quoted, '/dev/null'], { cwd: this.root, env: { ...this.env, TERM: 'dumb' }, timeout: 25_000 });
    const prompts: Array<[RegExp, string]> = [[/Username:/, answers.username], [/Password:/, answers.password]];
    let output = '';
    terminal.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // A terminal's Enter is a carriage return.
      while (prompts.length > 0 && prompts[0]![0].test(output.slice(output.lastIndexOf('\n') + 1))) terminal.stdin.write(`${prompts.shift()![1]}\r`);
    });
    return new Promise((resolve) => {
      terminal.on('close', (code) => {
        terminal.stdin.end();
        resolve({ code: code ?? 1, stdout: output, stderr: '' });
      });
    });
  }

  /** The version of a package installed in a project. */
  installed(project: string, name: string): string {
    return (JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
