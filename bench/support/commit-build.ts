import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../core/paths.js';

const run = promisify(execFile);

/** An earlier commit of this repository, checked out beside it and built by its own compiler. */
export interface CommitBuild {
  commit: string;
  /** The worktree's folder. */
  root: string;
  /** Its `larder` program (dist/core/main.js). */
  main: string;
  /** How it got its dependencies: this checkout's node_modules when the lock files agree, else its own `npm ci`. */
  install: 'node_modules linked' | 'npm ci';
  installS: number;
  buildS: number;
  /** Removes the worktree (and with it the build and any node_modules of its own). */
  remove(): Promise<void>;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** Whether `commit`'s package-lock.json is the one in this working tree. */
async function sameLock(commit: string): Promise<boolean> {
  try {
    await run('git', ['diff', '--quiet', commit, '--', 'package-lock.json'], { cwd: projectRoot });
    return true;
  } catch {
    return false;
  }
}

/**
 * `git worktree add --detach` of `commit` in a temporary folder, with dependencies and a build, so
 * a benchmark can run that commit's program beside today's. The worktree is a folder of its own:
 * nothing in this working tree (which others may be editing) is touched, only git's list of
 * worktrees, which `remove()` cleans up again.
 */
export async function buildCommit(commit: string): Promise<CommitBuild> {
  const root = await mkdtemp(join(tmpdir(), `larder-${commit}-`));
  await run('git', ['worktree', 'add', '--detach', root, commit], { cwd: projectRoot });
  const remove = async () => {
    // The link first, so nothing that removes the folder can reach this checkout's node_modules through it.
    await unlink(join(root, 'node_modules')).catch(() => undefined);
    await run('git', ['worktree', 'remove', '--force', root], { cwd: projectRoot });
    await rm(root, { recursive: true, force: true });
  };
  try {
    const linked = await sameLock(commit);
    const installS = linked
      ? await timed(() => symlink(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir'))
      : await timed(() => run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, maxBuffer: 64 * 1024 * 1024 }));
    const buildS = await timed(() => run('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, maxBuffer: 64 * 1024 * 1024 }));
    return { commit, root, main: join(root, 'dist', 'core', 'main.js'), install: linked ? 'node_modules linked' : 'npm ci', installS, buildS, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
