import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../config.js';
import { describeCause, StartupError } from '../startup-error.js';
import { definePlugin, type LarderPlugin } from './definition.js';
import { pluginPackageEntry, pluginPackageFolder } from './plugin-package.js';
import { checkPropertyClashes } from './property-clashes.js';

/** `plugins/` beside `core/`, both in the sources and in the build (and in an installed Larder). */
export const PLUGINS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../plugins');

function entryOf(folder: string): string | null {
  for (const file of ['index.js', 'index.ts']) {
    const path = join(folder, file);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * A plugin given by a path (anything with a `/`) rather than by name; a scoped package's name
 * (`@acme/larder-helm`) has a `/` too, but no path starts with `@`.
 */
export const isPath = (name: string) => name.includes('/') && !name.startsWith('@');

/** Where a plugin named in LARDER_PLUGINS is: its entry file, or null for a folder without one. */
type Located = { kind: 'folder' | 'package'; entry: string | null };

function locate(name: string, dir: string, available: string[]): Located | undefined {
  if (isPath(name)) return existsSync(name) ? { kind: 'folder', entry: entryOf(resolve(name)) } : undefined;
  if (available.includes(name)) return { kind: 'folder', entry: entryOf(join(dir, name)) };
  const folder = pluginPackageFolder(name);
  if (folder === null) return undefined;
  const entry = pluginPackageEntry(folder);
  if (entry === null) throw new StartupError(`plugin package "${name}" (${folder}) has no entry file to import: give it "exports" or "main"`);
  return { kind: 'package', entry };
}

/** A plugin package's default export, checked as `definePlugin` checks a definition. */
function packagedPlugin(name: string, exported: unknown): LarderPlugin {
  const plugin = exported as Partial<LarderPlugin> | undefined;
  if (typeof plugin?.name !== 'string' || !Array.isArray(plugin.entities) || !Array.isArray(plugin.resolvers)) {
    throw new StartupError(`plugin package "${name}" does not default-export a plugin definition (definePlugin({ name, entities, resolvers, … }) from larder)`);
  }
  try {
    return definePlugin(plugin as LarderPlugin);
  } catch (error) {
    throw new StartupError(`plugin package "${name}": ${describeCause(error)}`);
  }
}

/**
 * Imports every plugin folder (or only those named), in name order so that the schema and the
 * migration order do not depend on the file system. A name with a `/` is a plugin folder
 * elsewhere, relative to the working directory (a test's fixture plugins); any other name that is
 * no folder of `plugins/` is an installed npm package (Pulp's plugins are packages too). Plugins
 * that would break each other's columns are refused here, so that every command loading them
 * refuses them.
 */
export async function loadPlugins(names?: string[], dir = PLUGINS_DIR): Promise<LarderPlugin[]> {
  const available = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  const wanted = names ?? available;
  const located = new Map(wanted.map((name) => [name, locate(name, dir, available)]));
  const missing = wanted.filter((name) => located.get(name) === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      `LARDER_PLUGINS names plugin(s) that are neither installed packages nor folders of ${dir}: ${missing.join(', ')}`,
    );
  }
  const plugins: LarderPlugin[] = [];
  for (const name of wanted) {
    const { kind, entry } = located.get(name)!;
    if (!entry) continue;
    if (kind === 'package') {
      plugins.push(packagedPlugin(name, (await importPackage(name, entry)).default));
      continue;
    }
    const module = (await import(pathToFileURL(entry).href)) as { default?: LarderPlugin };
    if (!module.default) throw new Error(`plugin ${name} has no default export (its definePlugin(...))`);
    plugins.push(module.default);
  }
  checkPropertyClashes(plugins);
  return plugins;
}

/** A package that fails to import (a peer dependency missing, a syntax error) is named, in one line. */
async function importPackage(name: string, entry: string): Promise<{ default?: unknown }> {
  try {
    return (await import(pathToFileURL(entry).href)) as { default?: unknown };
  } catch (error) {
    throw new StartupError(`plugin package "${name}" (${entry}) fails to load: ${describeCause(error)}`);
  }
}
