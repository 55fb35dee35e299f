import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';

const run = promisify(execFile);

it('has schema/schema.graphql printed from the current code (npm run schema:print refreshes it)', async () => {
  const { stdout } = await run(process.execPath, ['dist/core/main.js', 'schema:check'], { cwd: projectRoot });
  expect(stdout).toContain('matches the code');
});
