import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ByteRange } from '../storage/artifact-storage.js';
import { requestedRange } from './byte-ranges.js';

/** What the content app answers a GET or HEAD with: a stored file, a built document, a file still upstream. */
export interface Representation {
  contentType: string;
  /** Unknown only for a file still upstream whose metadata gave none: then it has no ranges. */
  size?: number;
  /** A strong validator, quoted. */
  etag?: string;
  lastModified?: Date;
  /** Beside (or instead of) the defaults, e.g. `vary`. */
  headers?: OutgoingHttpHeaders;
}

/** How a request is answered: without a body (304, 416), or with the whole representation or one range of it. */
export type Answer =
  | { status: 304 | 416 }
  | { status: 200 | 206; range: ByteRange | null; headOnly: boolean };

/** HTTP dates have whole seconds. */
const seconds = (date: Date) => Math.floor(date.getTime() / 1000) * 1000;

function matches(header: string, etag: string): boolean {
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Whether the client's copy is current: `If-None-Match` decides when present, else `If-Modified-Since`. */
function notModified(req: IncomingMessage, representation: Representation): boolean {
  const { etag, lastModified } = representation;
  const match = req.headers['if-none-match'];
  if (match !== undefined) return etag !== undefined && matches(match, etag);
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return lastModified !== undefined && !Number.isNaN(since) && seconds(lastModified) <= since;
}

/** `If-Range` allows the range only while the representation is the one the client has part of. */
function rangeStillValid(req: IncomingMessage, representation: Representation): boolean {
  const condition = [req.headers['if-range']].flat()[0];
  if (condition === undefined) return true;
  if (condition.startsWith('"') || condition.startsWith('W/')) return condition === representation.etag;
  return representation.lastModified !== undefined && Date.parse(condition) >= seconds(representation.lastModified);
}

/**
 * The one place where the content app reads a request's conditions and range: a current copy
 * is not sent again (304), an unsatisfiable range is refused (416), else the whole or one range.
 */
export function answerTo(req: IncomingMessage, representation: Representation): Answer {
  if (notModified(req, representation)) return { status: 304 };
  const { size } = representation;
  const range = size !== undefined && rangeStillValid(req, representation) ? requestedRange(req.headers.range, size) : null;
  if (range === 'unsatisfiable') return { status: 416 };
  return { status: range ? 206 : 200, range, headOnly: req.method === 'HEAD' };
}

/** Writes the head of `answer`; the caller sends the body, if it has one (see `hasBody`). */
export function writeAnswerHead(res: ServerResponse, representation: Representation, answer: Answer): void {
  const { contentType, size, etag, lastModified } = representation;
  const headers: OutgoingHttpHeaders = {
    'content-type': contentType,
    ...(etag !== undefined && { etag }),
    ...(lastModified !== undefined && { 'last-modified': lastModified.toUTCString() }),
    ...(size !== undefined && { 'accept-ranges': 'bytes' }),
    ...representation.headers,
  };
  if (answer.status === 416) headers['content-range'] = `bytes */${size}`;
  if (answer.status === 206 && answer.range) {
    headers['content-range'] = `bytes ${answer.range.start}-${answer.range.end}/${size}`;
    headers['content-length'] = answer.range.end - answer.range.start + 1;
  } else if (answer.status === 200 && size !== undefined) {
    headers['content-length'] = size;
  }
  res.writeHead(answer.status, headers);
}

/** Whether `answer` has body bytes to send after its head (none for 304, 416 and HEAD). */
export function hasBody(answer: Answer): answer is Extract<Answer, { status: 200 | 206 }> {
  return (answer.status === 200 || answer.status === 206) && !answer.headOnly;
}

/** Answers with a representation whose bytes are at hand: conditions, ranges and HEAD included. */
export function sendBytes(req: IncomingMessage, res: ServerResponse, representation: Representation, bytes: Buffer): void {
  const whole = { ...representation, size: bytes.length };
  const answer = answerTo(req, whole);
  writeAnswerHead(res, whole, answer);
  if (!hasBody(answer)) return void res.end();
  res.end(answer.range ? bytes.subarray(answer.range.start, answer.range.end + 1) : bytes);
}
