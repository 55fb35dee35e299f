import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import { requestedRange } from './byte-ranges.js';
import { ifNoneMatch } from './etag-match.js';
import { contentType } from './mime-types.js';
import type { SmallArtifacts } from './small-artifacts.js';

export interface StoredFile {
  relativePath: string;
  sha256: string;
  size: number;
  lastModified: Date;
}

/** Whether the client's copy is current (`If-None-Match`, else `If-Modified-Since`). */
function notModified(req: IncomingMessage, etag: string, lastModified: Date): boolean {
  const match = ifNoneMatch(req, etag);
  if (match !== undefined) return match;
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** `If-Range` allows the range only while the file is the one the client has part of. */
function rangeStillValid(req: IncomingMessage, etag: string, lastModified: Date): boolean {
  const condition = [req.headers['if-range']].flat()[0];
  if (condition === undefined) return true;
  if (condition.startsWith('"') || condition.startsWith('W/')) return condition === etag;
  return Date.parse(condition) >= Math.floor(lastModified.getTime() / 1000) * 1000;
}

/**
 * Serves a stored artifact as HTTP: validators (ETag = the sha256, Last-Modified), conditional
 * requests (304), one byte range (206, or 416), HEAD, and the body: from `memory` when it holds
 * the file (asked only when a body is sent), else streamed from storage.
 */
export async function sendArtifact(
  req: IncomingMessage, res: ServerResponse, storage: ArtifactStorage, file: StoredFile, memory?: SmallArtifacts,
): Promise<void> {
  const etag = `"${file.sha256}"`;
  const headers: Record<string, string | number> = {
    'content-type': contentType(file.relativePath),
    etag,
    'last-modified': file.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
  };
  if (notModified(req, etag, file.lastModified)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const range = rangeStillValid(req, etag, file.lastModified) ? requestedRange(req.headers.range, file.size) : null;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${file.size}` });
    res.end();
    return;
  }
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${file.size}`;
    headers['content-length'] = range.end - range.start + 1;
  } else {
    headers['content-length'] = file.size;
  }
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || file.size === 0) {
    res.end();
    return;
  }
  const bytes = await memory?.bytes(file.sha256, file.size);
  if (bytes) {
    res.end(range ? bytes.subarray(range.start, range.end + 1) : bytes);
    return;
  }
  await pipeline(storage.open(file.sha256, range ?? undefined), res).catch((error: NodeJS.ErrnoException) => {
    // A client that hangs up mid-download is no server error.
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  });
}
