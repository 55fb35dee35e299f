import { execFile } from 'node:child_process';
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

  /** Runs npm in `cwd` with an empty cache of its own; resolves with the exit code, whatever it is. */
  run(cwd: string, args: string[]): Promise<NpmRun> {
    const cache = mkdtempSync(join(this.root, 'cache-'));
    const isolation = [
      '--cache', cache, '--userconfig', this.userconfig, '--globalconfig', this.globalconfig,
      '--prefer-online', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel', 'warn',
    ];
    return new Promise((resolve) => {
      execFile('npm', [...args, ...isolation], { cwd, env: { PATH: process.env.PATH ?? '', HOME: this.home } }, (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
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
