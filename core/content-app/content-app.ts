import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Orm } from '../db/orm.js';
import type { ContentHandler, HttpRoute } from '../plugin/definition.js';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import type { TaskEventBus } from '../tasking/task-events.js';
import { listDirectory, type ServedFile } from './content-lookup.js';
import { guardRefusal, sendRefusal } from './content-guards.js';
import { sendDirectoryListing } from './directory-listing.js';
import { sendArtifact } from './send-artifact.js';
import { ServingCache } from './serving-cache.js';
import { SmallArtifacts } from './small-artifacts.js';
import { VersionDocuments, type DocumentBuilder } from './version-documents.js';

export const CONTENT_PREFIX = '/content/';

export interface ContentAppDeps {
  orm: Orm;
  storage: ArtifactStorage;
  /** Serves a file that is not stored yet (on-demand or streamed content), or says it cannot. */
  fetchOnDemand(req: IncomingMessage, res: ServerResponse, file: ServedFile): Promise<void>;
  /** The plugins' content handlers by distribution type. */
  handlers: Readonly<Record<string, ContentHandler>>;
  /** Tells when what distributions serve may change (see ServingCache). */
  events: TaskEventBus;
}

/**
 * What every answer of the content app carries. Its files are whatever anyone who could sync or
 * upload chose, served from the API's own origin: a browser must not sniff them into something
 * more active than their type, and a page or SVG image among them must not act as that origin. A
 * sandbox leaves it displayed, with its images and styles, but without scripts, forms or plugins,
 * in an origin of its own.
 */
const SANDBOXED = [['x-content-type-options', 'nosniff'], ['content-security-policy', 'sandbox']] as const;

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('Not Found\n');
}

/**
 * `GET /content/<basePath>/<relativePath>`: the file a distribution serves at that path, a listing
 * of a directory, or 404; for a guarded distribution, first its content guard's 401 or 403.
 */
export function contentApp(deps: ContentAppDeps): HttpRoute {
  const lookups = new ServingCache(deps.orm, deps.events);
  const smallArtifacts = new SmallArtifacts(deps.storage);
  const documents = new VersionDocuments();
  return {
    method: 'GET',
    prefix: CONTENT_PREFIX,
    async handle(req, res, context) {
      for (const [name, value] of SANDBOXED) res.setHeader(name, value);
      const { pathname, search } = new URL(req.url ?? '/', 'http://x');
      const target = await lookups.target(pathname.slice(CONTENT_PREFIX.length));
      if (!target) return notFound(res);
      if (target.guard) {
        // What one caller may download is no answer for another's: no shared cache keeps it.
        res.setHeader('cache-control', 'private');
        const { distributionId, basePath, path } = target;
        const refusal = await guardRefusal(target.guard, { req, distributionId, basePath, path, access: () => context.access() });
        if (refusal) return sendRefusal(res, refusal);
      }
      const handler = deps.handlers[target.distributionType];
      if (handler) {
        const baseUrl = `${context.services.publicUrl()}${CONTENT_PREFIX}${target.basePath}/`;
        const request = {
          req, res, target, baseUrl,
          // Forked only if the handler asks: a kept document needs no database.
          get em() {
            return context.em;
          },
          document: (key: string, build: DocumentBuilder) => documents.get(target, key, build),
        };
        if (await handler(request)) return;
      }
      const file = await lookups.file(target, target.path);
      if (file?.artifact) {
        const { sha256, size, createdAt } = file.artifact;
        return sendArtifact(req, res, deps.storage, { relativePath: file.relativePath, sha256, size, lastModified: createdAt }, smallArtifacts);
      }
      if (file) return deps.fetchOnDemand(req, res, file);
      const entries = await listDirectory(deps.orm, target, target.path);
      if (entries.length === 0 && target.path !== '') return notFound(res);
      if (!pathname.endsWith('/')) {
        // The query goes along: a signed URL's signature is in it.
        res.writeHead(301, { location: `${pathname}/${search}` });
        res.end();
        return;
      }
      sendDirectoryListing(res, req.method, `/${[target.basePath, target.path].filter(Boolean).join('/')}/`, entries);
    },
  };
}
