import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { imports, sources } from './support/source-imports.js';

const core = join(projectRoot, 'core');
const pluginApi = join(core, 'plugin-api.ts');

it('lets plugins import from the core only through its plugin API', () => {
  const reachingIn = sources(join(projectRoot, 'plugins')).flatMap((file) =>
    imports(file)
      .filter((target) => target.startsWith(`${core}/`) && target !== pluginApi)
      .map((target) => `${relative(projectRoot, file)} imports ${relative(projectRoot, target)}`),
  );
  expect(reachingIn).toEqual([]);
});

it('keeps the core free of imports from plugins', () => {
  const plugins = join(projectRoot, 'plugins');
  const reachingOut = sources(core).flatMap((file) =>
    imports(file).filter((target) => target.startsWith(`${plugins}/`)).map((target) => `${relative(projectRoot, file)} imports ${relative(projectRoot, target)}`),
  );
  expect(reachingOut).toEqual([]);
});
