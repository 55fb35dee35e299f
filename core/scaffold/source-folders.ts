import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { ConfigError } from '../config.js';
import { projectRoot } from '../paths.js';
import { isPath } from '../plugin/loader.js';

/**
 * Where the scaffold commands may write: sources, never an installed copy. A Larder installed as a
 * package (under node_modules) would take a new plugin, or a plugin package a migration, into a
 * folder the next `npm install` replaces; those are written in a checkout or in the plugin's own folder.
 */
const installed = (folder: string) => folder.split(sep).includes('node_modules');

/** The Larder checkout `new-plugin` writes `plugins/<name>/` into. */
export function checkoutRoot(): string {
  if (installed(projectRoot)) {
    throw new Error(`this larder is an installed package (${projectRoot}), and new-plugin writes plugins/<name>/ into a checkout of Larder: `
      + 'write the plugin in a checkout (git clone, npm ci, npm run new-plugin) and pack it as a package of its own (docs/plugins.md)');
  }
  return projectRoot;
}

/** The source folder of the plugin `migration:new` was given: its path, or a folder of the checkout's `plugins/`. */
export function pluginSourceFolder(plugin: string): string {
  if (isPath(plugin)) {
    const folder = resolve(plugin);
    if (!installed(folder)) return folder;
  } else if (!installed(projectRoot) && existsSync(join(projectRoot, 'plugins', plugin))) {
    return join(projectRoot, 'plugins', plugin);
  }
  throw new ConfigError(`"${plugin}" is installed, not sources: name the folder of the plugin's sources instead, e.g. migration:new ./my-plugin <what>`);
}
