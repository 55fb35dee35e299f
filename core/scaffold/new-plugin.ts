import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { noteFiles, pluginNames } from './plugin-template.js';
import { checkoutRoot } from './source-folders.js';
import { syncingFiles } from './syncing-plugin-template.js';

const NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const RESERVED = new Set(['core', 'test', 'file', 'npm']);

/**
 * What a new plugin starts as: `syncing` (the default) has what a real plugin needs — a remote, a
 * content type, a repository with sync, a distribution and a content handler; `notes` is the
 * smallest plugin, a content type added to repositories by a task of its own.
 */
export type PluginVariant = 'syncing' | 'notes';

/** Writes `plugins/<name>/` (under `root`) from a template; refuses a bad or taken name. Returns the files written. */
export function newPlugin(name: string, root = checkoutRoot(), variant: PluginVariant = 'syncing'): string[] {
  if (!NAME.test(name)) throw new Error(`plugin name "${name}" must be lower-case letters and digits, words joined by _`);
  const dir = join(root, 'plugins', name);
  if (RESERVED.has(name) || existsSync(dir)) throw new Error(`plugin name "${name}" is taken`);
  const files = (variant === 'notes' ? noteFiles : syncingFiles)(pluginNames(name));
  const written: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: 'wx' });
    written.push(relative(root, file));
  }
  return written;
}
