import type { IncomingMessage } from 'node:http';

/** Whether `If-None-Match` names this entity tag (or `*`); undefined when the request has none. */
export function ifNoneMatch(req: IncomingMessage, etag: string): boolean | undefined {
  const match = req.headers['if-none-match'];
  if (match === undefined) return undefined;
  return match === '*' || match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
