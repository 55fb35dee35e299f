import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { projectRoot } from '../paths.js';

/** The conditions Larder imports a plugin package under, as Node's `import` would. */
const CONDITIONS = new Set(['import', 'node', 'default']);

/** The folder `node_modules/<name>` that Node would find from `from` upward, or null. */
function installedFolder(name: string, from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const folder = join(dir, 'node_modules', name);
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Where an installed plugin package is: in the project that runs Larder (its working directory)
 * first, then beside Larder itself (Larder installed in that project, or a Larder checkout).
 * Node's own resolution would search from the importing file alone, i.e. from Larder's folder.
 */
export function pluginPackageFolder(name: string): string | null {
  return installedFolder(name, process.cwd()) ?? installedFolder(name, projectRoot);
}

/** The target of `exports` for `import '<name>'`, walking conditions in the package's own order. */
function exportedEntry(exports: unknown): string | null {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) {
    for (const target of exports) {
      const entry = exportedEntry(target);
      if (entry) return entry;
    }
    return null;
  }
  if (exports === null || typeof exports !== 'object') return null;
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.some((key) => key.startsWith('.'))) return '.' in map ? exportedEntry(map['.']) : null;
  for (const key of keys) {
    if (!CONDITIONS.has(key)) continue;
    const entry = exportedEntry(map[key]);
    if (entry) return entry;
  }
  return null;
}

/** The file `import '<name>'` loads from the package in `folder` (its `exports`, else `main`, else `index.js`). */
export function pluginPackageEntry(folder: string): string | null {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { exports?: unknown; main?: string };
  if (manifest.exports !== undefined) {
    const entry = exportedEntry(manifest.exports);
    return entry !== null && existsSync(join(folder, entry)) ? join(folder, entry) : null;
  }
  // `main` may leave out `.js` or name a folder, as CommonJS allowed.
  const main = join(folder, manifest.main ?? 'index.js');
  return [main, `${main}.js`, join(main, 'index.js')].find((file) => existsSync(file) && !isDirectory(file)) ?? null;
}

const isDirectory = (path: string) => statSync(path).isDirectory();
