import type { EntityClass, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import { encodedPath } from '../content/relative-path.js';
import { inVersion } from '../content/version-content.js';
import { versionFiles, type VersionFile } from '../content/version-files.js';
import type { Content } from '../db/entities/content.js';
import type { ContentHandler, ContentRequest } from '../plugin/definition.js';
import { sendError } from '../server/json-response.js';
import { sendDocument } from './send-document.js';
import { servedDocument, type ServedDocument } from './version-documents.js';

/** A file of a unit, with its link from an index at the distribution's base. */
export interface IndexedFile extends VersionFile {
  /** The relative path, URL-encoded by segment: resolves against the distribution's base URL. */
  href: string;
}

/** One unit of a repository version as an index lists it: the content and its files in the version. */
export interface IndexedUnit<C extends Content> {
  content: C;
  files: IndexedFile[];
}

export interface VersionIndexOptions<C extends Content> {
  /** Where the index is, below the distribution's base path: `index.yaml`, `repodata/index.json`. */
  path: string;
  /** The index's media type. */
  mediaType: string;
  /** The units it lists, in `orderBy`'s order. */
  contentType: EntityClass<C>;
  orderBy?: QueryOrderMap<C>;
  /** The index's text. */
  render(units: IndexedUnit<C>[], request: ContentRequest): string | Buffer;
}

/** The units of `contentType` in a version, each with its files, read once for the whole document. */
async function indexedUnits<C extends Content>(
  request: ContentRequest, options: VersionIndexOptions<C>, repositoryId: string, number: number,
): Promise<IndexedUnit<C>[]> {
  const contents = await request.em.find(options.contentType, inVersion(repositoryId, number) as FilterQuery<C>, { orderBy: options.orderBy });
  const units = new Map(contents.map((content): [string, IndexedUnit<C>] => [content.id, { content, files: [] }]));
  for await (const page of versionFiles(request.em, repositoryId, number)) {
    for (const file of page) units.get(file.contentId)?.files.push({ ...file, href: encodedPath(file.relativePath) });
  }
  return [...units.values()];
}

/**
 * A content handler answering `path` with an index of the units a distribution serves (a Helm
 * `index.yaml`, a package list another Larder can sync from), built once per repository version
 * and kept; the files it links to are the content app's. Every other path goes to the file lookup.
 */
export function versionIndex<C extends Content>(options: VersionIndexOptions<C>): ContentHandler {
  return async (request) => {
    const { req, res, target, document } = request;
    if (target.path !== options.path) return false;
    const { repositoryId, versionNumber } = target;
    const index = repositoryId === null || versionNumber === null
      ? null
      : await document(options.path, async (): Promise<ServedDocument> => servedDocument(
        options.render(await indexedUnits(request, options, repositoryId, versionNumber), request), options.mediaType,
      ));
    if (index) sendDocument(req, res, index);
    else sendError(res, 404, 'NOT_FOUND', 'this distribution serves no repository version yet');
    return true;
  };
}
