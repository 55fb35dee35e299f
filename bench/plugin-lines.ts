import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../core/paths.js';
import { newPlugin } from '../core/scaffold/new-plugin.js';
import { report } from './support/measure.js';

/**
 * What a plugin costs its author in code: lines of a plugin's runtime TypeScript (its tests left
 * out) that hold something besides comments and blanks, as the TypeScript scanner reads them.
 *
 * - helm-like: test/fixtures/plugins/helm (a remote on `index.yaml`, a chart content type, sync,
 *   a distribution serving a generated `index.yaml`), beside the 244 such lines the same plugin took
 *   before the plugin API's helpers and the syncing scaffold (issue 13); target at most 120;
 * - syncing-scaffold: what `npm run new-plugin -- <name>` writes, where such a plugin starts;
 * - file and npm: the two plugins Larder ships, for scale.
 */
const HELM_BEFORE = 244;

/** Lines with code on them: a line counts when a token (comments are not tokens) starts, ends or runs on it. */
function codeLines(path: string): number {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const lines = new Set<number>();
  const visit = (node: ts.Node): void => {
    if (ts.isJSDoc(node)) return;
    const children = node.getChildren(file);
    if (children.length > 0) return children.forEach(visit);
    if (node.kind === ts.SyntaxKind.EndOfFileToken) return;
    const [first, last] = [node.getStart(file), node.getEnd() - 1].map((at) => file.getLineAndCharacterOfPosition(at).line);
    for (let line = first!; line <= last!; line++) lines.add(line);
  };
  visit(file);
  return lines.size;
}

/** The runtime TypeScript files under `dir`: everything but tests. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.split('/').includes('test'))
    .map((path) => join(dir, path));
}

function count(figure: string, dir: string, context: Record<string, unknown> = {}): number {
  const files = sourceFiles(dir);
  const lines = files.reduce((total, file) => total + codeLines(file), 0);
  report(figure, lines, { files: files.length, ...context });
  return lines;
}

const helm = count('helm_like_plugin_lines', join(projectRoot, 'test/fixtures/plugins/helm'), { dir: 'test/fixtures/plugins/helm', target: 120 });
report('helm_like_plugin_ratio', helm / HELM_BEFORE, { lines: helm, baseline: HELM_BEFORE, baseline_of: 'the same plugin before issue 13' });

const scratch = mkdtempSync(join(tmpdir(), 'larder-plugin-lines-'));
try {
  newPlugin('demo', scratch);
  count('syncing_scaffold_lines', join(scratch, 'plugins/demo'), { written_by: 'npm run new-plugin -- demo' });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
for (const plugin of ['file', 'npm']) count(`${plugin}_plugin_lines`, join(projectRoot, 'plugins', plugin), { dir: `plugins/${plugin}` });
