import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { imports, sources } from './support/source-imports.js';

const core = join(projectRoot, 'core');
const plugins = join(projectRoot, 'plugins');
const pluginApi = join(core, 'plugin-api.ts');
const tests = join(projectRoot, 'test');
const pluginTesting = join(tests, 'plugin-testing.ts');

/** `file imports target` for each of a file's imports that `reaches`. */
function reaching(files: string[], reaches: (target: string) => boolean): string[] {
  return files.flatMap((file) =>
    imports(file).filter(reaches).map((target) => `${relative(projectRoot, file)} imports ${relative(projectRoot, target)}`),
  );
}

it('lets plugins import from the core only through its plugin API', () => {
  expect(reaching(sources(plugins), (target) => target.startsWith(`${core}/`) && target !== pluginApi)).toEqual([]);
});

it('keeps the core free of imports from plugins', () => {
  expect(reaching(sources(core), (target) => target.startsWith(`${plugins}/`))).toEqual([]);
});

it("lets plugins' tests use the core's test support only through its testing facade", () => {
  expect(reaching(sources(plugins), (target) => target.startsWith(`${tests}/`) && target !== pluginTesting)).toEqual([]);
});

it('keeps runtime code, the core and plugins alike, free of imports from tests', () => {
  // A plugin's own test folder is where the facade belongs; anywhere else it would ship test code.
  const runtime = [...sources(core), ...sources(plugins)].filter((file) => !/\/plugins\/[^/]+\/test\//.test(file));
  expect(reaching(runtime, (target) => target.startsWith(`${tests}/`))).toEqual([]);
});
