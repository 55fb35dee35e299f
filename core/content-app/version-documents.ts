import { createHash } from 'node:crypto';
import { LruCache } from '../lru-cache.js';
import type { ServingTarget } from './serving-target.js';

/** A document a content handler builds from what a distribution serves (an npm packument, an index). */
export interface ServedDocument {
  body: Buffer;
  contentType: string;
  /** A strong validator: the body's digest. */
  etag: string;
}

export function servedDocument(body: string | Buffer, contentType: string): ServedDocument {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return { body: bytes, contentType, etag: `"${createHash('sha256').update(bytes).digest('base64url')}"` };
}

/** Builds a document, or says there is none (null, which is not kept). */
export type DocumentBuilder = () => Promise<ServedDocument | null>;

/** Documents this process keeps, in bytes; one may take at most a quarter of it. */
const BUDGET_BYTES = 32 * 1024 * 1024;

/**
 * Documents built from what a target serves, kept by what they were built from: a complete
 * repository version or publication never changes, so a kept document is never out of date and
 * only the least recently used are dropped, to stay within the budget. A distribution that moves
 * to another version asks for other keys. Concurrent requests for one document share one build.
 */
export class VersionDocuments {
  private readonly kept = new LruCache<string, ServedDocument>(BUDGET_BYTES, (document) => document.body.length);
  private readonly building = new Map<string, Promise<ServedDocument | null>>();

  get(target: ServingTarget, key: string, build: DocumentBuilder): Promise<ServedDocument | null> {
    const id = JSON.stringify([target.publicationId, target.repositoryId, target.versionNumber, key]);
    const kept = this.kept.get(id);
    if (kept) return Promise.resolve(kept);
    let building = this.building.get(id);
    if (!building) {
      building = build()
        .then((document) => {
          if (document && document.body.length <= BUDGET_BYTES / 4) this.kept.set(id, document);
          return document;
        })
        .finally(() => this.building.delete(id));
      this.building.set(id, building);
    }
    return building;
  }
}
