import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';

const run = promisify(execFile);
const copy = mkdtempSync(join(tmpdir(), 'larder-scaffold-'));

afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
});

const SKIPPED = new Set(['node_modules', 'dist', '.git', '.larder', 'coverage']);

/** Runs a command in the copy; resolves with its exit code and output, whatever the code. */
async function inCopy(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: copy, env: { ...process.env, LOG_LEVEL: 'warn' } });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

it('makes a syncing plugin and a notes plugin that build, grow the schema and pass their own tests', async () => {
  cpSync(projectRoot, copy, { recursive: true, filter: (source) => !SKIPPED.has(relative(projectRoot, source).split('/')[0]!) });
  symlinkSync(join(projectRoot, 'node_modules'), join(copy, 'node_modules'));

  const notes = await inCopy('npm', ['run', '-s', 'new-plugin', '--', 'demo_notes', '--notes']);
  expect(notes.output).toContain('plugins/demo_notes/index.ts');
  expect(notes.code).toBe(0);
  expect(await inCopy(process.execPath, ['dist/core/main.js', 'new-plugin', 'demo_notes'])).toMatchObject({ code: 2 });
  expect(await inCopy(process.execPath, ['dist/core/main.js', 'new-plugin', 'Bad-Name'])).toMatchObject({ code: 2 });
  expect(await inCopy(process.execPath, ['dist/core/main.js', 'new-plugin', 'other', '--nonsense'])).toMatchObject({ code: 2 });

  // Scaffold to green, as a plugin's author goes: write it, build, print the schema, run its test.
  const started = Date.now();
  const syncing = await inCopy(process.execPath, ['dist/core/main.js', 'new-plugin', 'demo']);
  expect(syncing.output).toContain('plugins/demo/tasks/sync-task.ts');
  expect(syncing.code).toBe(0);

  const stale = await inCopy('npm', ['run', '-s', 'schema:check']);
  expect(stale.code).not.toBe(0);
  expect(stale.output).toContain('stale');
  expect((await inCopy(process.execPath, ['dist/core/main.js', 'schema:print'])).code).toBe(0);
  const schema = readFileSync(join(copy, 'schema/schema.graphql'), 'utf8');
  for (const added of [
    'type DemoNotesNote implements Content', 'type DemoNotesRepository implements Repository', 'addDemoNotesNote(',
    'type DemoRemote implements Remote', 'type DemoPackage implements Content', 'type DemoDistribution implements Distribution',
    'syncDemoRepository(',
  ]) {
    expect(schema).toContain(added);
  }
  expect((await inCopy(process.execPath, ['dist/core/main.js', 'schema:check'])).code).toBe(0);

  const tested = await inCopy(join(projectRoot, 'node_modules/.bin/vitest'), ['run', 'plugins/demo/', 'plugins/demo_notes/']);
  expect(tested.output).toContain('2 passed');
  expect(tested.code).toBe(0);
  console.log(`scaffold to green (new-plugin, build, schema:print, both plugins' tests): ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 300_000);
