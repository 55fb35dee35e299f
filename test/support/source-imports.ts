import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Every TypeScript file under a folder. */
export function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function specifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** Every relative import of a file (type-only ones too), resolved to the .ts file it names. */
export function imports(file: string): string[] {
  return specifiers(file).filter((s) => s.startsWith('.')).map((s) => resolve(file, '..', s.replace(/\.js$/, '.ts')));
}

/** The packages a file imports (`graphql`, `@apollo/server`, `node:fs`, …). */
export function packageImports(file: string): string[] {
  return specifiers(file).filter((s) => !s.startsWith('.'));
}
