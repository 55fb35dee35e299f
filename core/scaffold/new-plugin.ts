import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { projectRoot } from '../paths.js';
import { pluginFiles, pluginNames } from './plugin-template.js';

const NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const RESERVED = new Set(['core', 'test', 'file', 'npm']);

/** Writes `plugins/<name>/` from the template; refuses a bad or taken name. Returns the files written. */
export function newPlugin(name: string, root = projectRoot): string[] {
  if (!NAME.test(name)) throw new Error(`plugin name "${name}" must be lower-case letters and digits, words joined by _`);
  const dir = join(root, 'plugins', name);
  if (RESERVED.has(name) || existsSync(dir)) throw new Error(`plugin name "${name}" is taken`);
  const written: string[] = [];
  for (const [path, text] of Object.entries(pluginFiles(pluginNames(name)))) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: 'wx' });
    written.push(relative(root, file));
  }
  return written;
}
