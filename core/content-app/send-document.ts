import type { IncomingMessage, ServerResponse } from 'node:http';
import { ifNoneMatch } from './etag-match.js';
import type { ServedDocument } from './version-documents.js';

/**
 * Answers with a built document: its ETag, 304 when the client's copy is current, the headers
 * alone for HEAD, else the body. `headers` add to (or override) the defaults, e.g. `vary`.
 */
export function sendDocument(
  req: IncomingMessage, res: ServerResponse, document: ServedDocument, headers: Record<string, string> = {},
): void {
  const common = { etag: document.etag, ...headers };
  if (ifNoneMatch(req, document.etag) === true) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': document.contentType, 'content-length': document.body.length, ...common });
  res.end(req.method === 'HEAD' ? undefined : document.body);
}
