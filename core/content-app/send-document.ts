import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendBytes } from './representation.js';
import type { ServedDocument } from './version-documents.js';

/**
 * Answers with a built document as with a stored file: its ETag, 304 when the client's copy is
 * current, ranges, the headers alone for HEAD. `headers` add to (or override) the defaults, e.g. `vary`.
 */
export function sendDocument(
  req: IncomingMessage, res: ServerResponse, document: ServedDocument, headers: Record<string, string> = {},
): void {
  sendBytes(req, res, { contentType: document.contentType, etag: document.etag, headers }, document.body);
}
