import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';

const core = join(projectRoot, 'core');
const pluginApi = join(core, 'plugin-api.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a file, resolved to the .ts file it names. */
function imports(file: string): string[] {
  const specifiers = [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((s) => resolve(file, '..', s.replace(/\.js$/, '.ts')));
}

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
