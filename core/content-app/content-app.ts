import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Orm } from '../db/orm.js';
import type { ContentHandler, HttpRoute } from '../plugin/definition.js';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import { findFile, listDirectory, type ServedFile } from './content-lookup.js';
import { sendDirectoryListing } from './directory-listing.js';
import { sendArtifact } from './send-artifact.js';
import { servingTarget } from './serving-target.js';

export const CONTENT_PREFIX = '/content/';

export interface ContentAppDeps {
  orm: Orm;
  storage: ArtifactStorage;
  /** Serves a file that is not stored yet (on-demand or streamed content), or says it cannot. */
  fetchOnDemand(req: IncomingMessage, res: ServerResponse, file: ServedFile): Promise<void>;
  /** The plugins' content handlers by distribution type. */
  handlers: Readonly<Record<string, ContentHandler>>;
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('Not Found\n');
}

/**
 * `GET /content/<basePath>/<relativePath>`: the file a distribution serves at that path, a listing
 * of a directory, or 404.
 */
export function contentApp(deps: ContentAppDeps): HttpRoute {
  return {
    method: 'GET',
    prefix: CONTENT_PREFIX,
    async handle(req, res, { em, services }) {
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      const target = await servingTarget(deps.orm, pathname.slice(CONTENT_PREFIX.length));
      if (!target) return notFound(res);
      const handler = deps.handlers[target.distributionType];
      const baseUrl = `${services.publicUrl()}${CONTENT_PREFIX}${target.basePath}/`;
      if (handler && (await handler({ req, res, target, baseUrl, em }))) return;
      const file = await findFile(deps.orm, target, target.path);
      if (file?.artifact) {
        return sendArtifact(req, res, deps.storage, {
          relativePath: file.relativePath, sha256: file.artifact.sha256, size: file.artifact.size, lastModified: file.artifact.createdAt,
        });
      }
      if (file) return deps.fetchOnDemand(req, res, file);
      const entries = await listDirectory(deps.orm, target, target.path);
      if (entries.length === 0 && target.path !== '') return notFound(res);
      if (!pathname.endsWith('/')) {
        res.writeHead(301, { location: `${pathname}/` });
        res.end();
        return;
      }
      sendDirectoryListing(res, req.method, `/${[target.basePath, target.path].filter(Boolean).join('/')}/`, entries);
    },
  };
}
