import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { isHexDigest, isSafeRelativePath, TaskFailure } from '../../../core/plugin-api.js';

/** One line of a PULP_MANIFEST: `relative_path,sha256,size`. */
export interface ManifestEntry {
  relativePath: string;
  sha256: string;
  size: number;
}

function bad(lineNumber: number, reason: string): TaskFailure {
  return new TaskFailure(`PULP_MANIFEST line ${lineNumber}: ${reason}`, 'BAD_MANIFEST');
}

/**
 * Parses one line; null for blank lines and `#` comments. The path may itself contain commas, so
 * the digest and size are the last two fields.
 */
export function parseManifestLine(line: string, lineNumber: number): ManifestEntry | null {
  const text = line.replace(/\r$/, '');
  if (text.trim() === '' || text.trimStart().startsWith('#')) return null;
  const sizeAt = text.lastIndexOf(',');
  const digestAt = sizeAt > 0 ? text.lastIndexOf(',', sizeAt - 1) : -1;
  if (digestAt < 0) throw bad(lineNumber, 'expected "relative_path,sha256,size"');
  const [relativePath, sha256, size] = [text.slice(0, digestAt), text.slice(digestAt + 1, sizeAt).trim(), text.slice(sizeAt + 1).trim()];
  if (!isSafeRelativePath(relativePath)) throw bad(lineNumber, `"${relativePath}" is not a safe relative path (absolute, empty or with "." or "..")`);
  if (!isHexDigest('sha256', sha256)) throw bad(lineNumber, `"${sha256}" is not a sha256 digest`);
  if (!/^\d+$/.test(size) || !Number.isSafeInteger(Number(size))) throw bad(lineNumber, `"${size}" is not a size in bytes`);
  return { relativePath, sha256: sha256.toLowerCase(), size: Number(size) };
}

/** The entries of a manifest, read line by line (a manifest of any length costs one line of memory). */
export async function* manifestEntries(source: Readable): AsyncGenerator<ManifestEntry> {
  let lineNumber = 0;
  for await (const line of createInterface({ input: source, crlfDelay: Infinity })) {
    const entry = parseManifestLine(line, ++lineNumber);
    if (entry) yield entry;
  }
}
