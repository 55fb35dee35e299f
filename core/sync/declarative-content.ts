import type { ExpectedDigests } from '../storage/digests.js';

/** A file of a unit as upstream metadata describes it: where it is and what it must hash to. */
export interface DeclarativeFile {
  relativePath: string;
  url: string;
  expected: ExpectedDigests;
}

/**
 * A unit of content as a plugin's sync reads it from upstream metadata: its properties (natural
 * key included) and its files. The core's sync pipeline does the rest.
 */
export interface DeclarativeUnit {
  fields: Record<string, unknown>;
  files: DeclarativeFile[];
}
