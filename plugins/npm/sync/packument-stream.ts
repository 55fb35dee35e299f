import type { Readable } from 'node:stream';
import parserStream from 'stream-json';
import Assembler from 'stream-json/assembler.js';
import type { Token } from 'stream-json/parser.js';

/**
 * What one read of a packument kept: its outline (name, dist-tags, the keys of `versions`, which
 * versions are deprecated) and, of the versions asked for, their documents and `time` entries.
 * Everything else is skipped as it streams past: a packument of tens of MB never sits in memory
 * whole, and a version nobody asked for is never assembled into an object.
 */
export interface PackumentRead {
  /** Whether the document is a JSON object at all. */
  isObject: boolean;
  /** `name` as assembled (any JSON value), or undefined when absent. */
  name: unknown;
  /** `dist-tags` as assembled, or undefined when absent. */
  distTags: unknown;
  /** The keys of `versions` in document order; null when `versions` is absent or not an object. */
  versions: string[] | null;
  deprecated: Set<string>;
  /** The documents of the versions asked for that `versions` lists (any JSON value, as listed). */
  manifests: Map<string, unknown>;
  /** The `time` entries that are strings, of the versions asked for. */
  times: Map<string, string>;
}

type ValueToken = Extract<Token, { name: 'startObject' | 'startArray' | 'stringValue' | 'numberValue' | 'nullValue' | 'trueValue' | 'falseValue' }>;

const isValueStart = (token: Token): token is ValueToken =>
  token.name === 'startObject' || token.name === 'startArray' || token.name === 'stringValue' || token.name === 'numberValue'
  || token.name === 'nullValue' || token.name === 'trueValue' || token.name === 'falseValue';

interface Capture {
  assembler: Assembler;
  keep: (value: unknown) => void;
}

/** Assembles the value `token` starts: kept at once when it is one token, else captured for the tokens to come. */
function assemble(token: Token, keep: (value: unknown) => void): Capture | null {
  const assembler = new Assembler();
  assembler.consume(token);
  if (!assembler.done) return { assembler, keep };
  keep(assembler.current);
  return null;
}

/**
 * Reads a packument's bytes as a stream of JSON tokens, keeping what the sync needs (see
 * PackumentRead) of the versions in `wanted`. Duplicate keys end as JSON.parse would leave them:
 * the last one counts. Rejects with the parser's error when the bytes are not one JSON value.
 */
export async function readPackument(bytes: Readable, wanted: ReadonlySet<string>): Promise<PackumentRead> {
  const read: PackumentRead = { isObject: false, name: undefined, distTags: undefined, versions: null, deprecated: new Set(), manifests: new Map(), times: new Map() };
  let listed = new Set<string>();
  let sawValue = false;
  let depth = 0;
  let topKey: string | null = null; // the top-level key whose value the tokens are in
  let innerKey: string | null = null; // the key at depth 2: a version of `versions`, or of `time`
  let fieldKey: string | null = null; // the key at depth 3: a field of a version's document
  let capture: Capture | null = null;

  const tokens = bytes.pipe(parserStream({ streamValues: false }));
  bytes.once('error', (error) => tokens.destroy(error));
  for await (const token of tokens as AsyncIterable<Token>) {
    if (capture !== null) {
      const { assembler, keep } = capture;
      assembler.consume(token);
      if (assembler.done) {
        capture = null;
        keep(assembler.current);
      }
      continue;
    }
    if (token.name === 'keyValue') {
      if (depth === 1) topKey = token.value;
      else if (depth === 2) {
        innerKey = token.value;
        fieldKey = null;
        if (topKey === 'versions' && read.versions !== null) {
          listed.add(innerKey);
          read.deprecated.delete(innerKey);
          read.manifests.delete(innerKey);
        }
      } else if (depth === 3) fieldKey = token.value;
      continue;
    }
    if (token.name === 'endObject' || token.name === 'endArray') {
      depth--;
      continue;
    }
    if (!isValueStart(token)) continue;

    if (depth === 0) {
      sawValue = true;
      read.isObject = token.name === 'startObject';
    } else if (depth === 1) {
      if (topKey === 'name') {
        capture = assemble(token, (value) => (read.name = value));
        continue;
      }
      if (topKey === 'dist-tags') {
        capture = assemble(token, (value) => (read.distTags = value));
        continue;
      }
      if (topKey === 'versions') {
        listed = new Set();
        read.versions = token.name === 'startObject' ? [] : null;
        read.deprecated.clear();
        read.manifests.clear();
      }
      if (topKey === 'time') read.times.clear();
    } else if (depth === 2 && topKey === 'versions' && read.versions !== null && innerKey !== null && wanted.has(innerKey)) {
      const version = innerKey;
      capture = assemble(token, (manifest) => {
        read.manifests.set(version, manifest);
        if (typeof manifest === 'object' && manifest !== null && typeof (manifest as { deprecated?: unknown }).deprecated === 'string'
          && (manifest as { deprecated: string }).deprecated !== '') read.deprecated.add(version);
      });
      continue;
    } else if (depth === 2 && topKey === 'time' && innerKey !== null && wanted.has(innerKey)) {
      if (token.name === 'stringValue') read.times.set(innerKey, token.value);
      else read.times.delete(innerKey);
    } else if (depth === 3 && topKey === 'versions' && read.versions !== null && innerKey !== null && fieldKey === 'deprecated') {
      if (token.name === 'stringValue' && token.value !== '') read.deprecated.add(innerKey);
      else read.deprecated.delete(innerKey);
    }
    if (token.name === 'startObject' || token.name === 'startArray') depth++;
  }
  if (!sawValue) throw new SyntaxError('no JSON value');
  if (read.versions !== null) read.versions = [...listed];
  return read;
}
