import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The project folder (where package.json is), from the sources or from the build under dist/. */
export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

export const schemaFile = join(projectRoot, 'schema', 'schema.graphql');
