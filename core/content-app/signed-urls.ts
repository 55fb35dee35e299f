import { createHmac, timingSafeEqual } from 'node:crypto';
import { isSafeRelativePath } from '../content/relative-path.js';

/**
 * Signed content URLs (SignedUrlContentGuard): `?expires=<unix seconds>&signature=<HMAC-SHA256>`
 * over the base path, the decoded path below it and the expiry, with the guard's key. The
 * content app sees the same decoded path whatever encoding a client chose, so one URL signs one
 * file, and a changed path or expiry no longer matches.
 */
const EXPIRES = /^[1-9]\d{0,14}$/;

function signature(key: string, basePath: string, path: string, expires: number): string {
  return createHmac('sha256', key).update(JSON.stringify([basePath, path, expires])).digest('base64url');
}

/** The query string that lets a download of `path` below `basePath` through until `expires` (unix seconds). */
export function signedQuery(key: string, basePath: string, path: string, expires: number): string {
  return `expires=${expires}&signature=${signature(key, basePath, path, expires)}`;
}

/** Whether a request's query signs exactly this path with this key, and has not expired at `now` (unix seconds). */
export function validSignature(key: string, basePath: string, path: string, query: URLSearchParams, now: number): boolean {
  const expires = query.get('expires');
  const given = query.get('signature');
  if (expires === null || given === null || !EXPIRES.test(expires) || Number(expires) <= now) return false;
  const expected = Buffer.from(signature(key, basePath, path, Number(expires)));
  const presented = Buffer.from(given);
  // The length of a signature is no secret; comparing equal lengths in constant time is all that matters.
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * A path below a base path as the content app will see it (no slashes at either end, '' for the
 * base path itself), or null when it could not be served (`..`, empty segments, control characters).
 */
export function signablePath(path: string): string | null {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' || isSafeRelativePath(trimmed) ? trimmed : null;
}
