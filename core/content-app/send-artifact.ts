import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import { contentType } from './mime-types.js';
import { answerTo, hasBody, writeAnswerHead, type Representation } from './representation.js';
import type { SmallArtifacts } from './small-artifacts.js';

export interface StoredFile {
  relativePath: string;
  sha256: string;
  size: number;
  lastModified: Date;
}

/**
 * Serves a stored artifact as HTTP: validators (ETag = the sha256, Last-Modified), conditional
 * requests (304), one byte range (206, or 416), HEAD, and the body: from `memory` when it holds
 * the file (asked only when a body is sent), else streamed from storage.
 */
export async function sendArtifact(
  req: IncomingMessage, res: ServerResponse, storage: ArtifactStorage, file: StoredFile, memory?: SmallArtifacts,
): Promise<void> {
  const representation: Representation = {
    contentType: contentType(file.relativePath), size: file.size, etag: `"${file.sha256}"`, lastModified: file.lastModified,
  };
  const answer = answerTo(req, representation);
  writeAnswerHead(res, representation, answer);
  if (!hasBody(answer) || file.size === 0) {
    res.end();
    return;
  }
  const { range } = answer;
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
