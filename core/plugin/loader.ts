import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../config.js';
import type { LarderPlugin } from './definition.js';
import { checkPropertyClashes } from './property-clashes.js';

/** `plugins/` beside `core/`, both in the sources and in the build. */
export const PLUGINS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../plugins');

function entryOf(folder: string): string | null {
  for (const file of ['index.js', 'index.ts']) {
    const path = join(folder, file);
    if (existsSync(path)) return path;
  }
  return null;
}

/** A plugin given by a path (anything with a `/`) rather than by a folder name under `plugins/`. */
const isPath = (name: string) => name.includes('/');

/**
 * Imports every plugin folder (or only those named), in name order so that the schema and the
 * migration order do not depend on the file system. A name with a `/` is a plugin folder
 * elsewhere, relative to the working directory (a test's fixture plugins). Plugins that would
 * break each other's columns are refused here, so that every command loading them refuses them.
 */
export async function loadPlugins(names?: string[], dir = PLUGINS_DIR): Promise<LarderPlugin[]> {
  const available = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  const wanted = names ?? available;
  const missing = wanted.filter((n) => (isPath(n) ? !existsSync(n) : !available.includes(n)));
  if (missing.length > 0) {
    throw new ConfigError(`LARDER_PLUGINS names plugin(s) that are not folders of ${dir}: ${missing.join(', ')}`);
  }
  const plugins: LarderPlugin[] = [];
  for (const name of wanted) {
    const entry = entryOf(isPath(name) ? resolve(name) : join(dir, name));
    if (!entry) continue;
    const module = (await import(pathToFileURL(entry).href)) as { default?: LarderPlugin };
    if (!module.default) throw new Error(`plugin ${name} has no default export (its definePlugin(...))`);
    plugins.push(module.default);
  }
  checkPropertyClashes(plugins);
  return plugins;
}
