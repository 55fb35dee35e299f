import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LarderConfig } from '../config.js';
import { sendError } from './json-response.js';

/** Compared as digests, so neither the token's length nor its bytes leak through the time a refusal takes. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Until Larder has users, an HTTP endpoint that changes content requires `Authorization: Bearer
 * <LARDER_API_TOKEN>`. Answers the refusal itself and returns false: 401 without the right token,
 * 403 when no token is configured (the endpoint is off).
 */
export function requireApiToken(req: IncomingMessage, res: ServerResponse, config: Pick<LarderConfig, 'apiToken'>): boolean {
  if (config.apiToken === undefined) {
    sendError(res, 403, 'FORBIDDEN',
      'This endpoint is disabled because Larder has no API token: start Larder with LARDER_API_TOKEN set and send it as "Authorization: Bearer <token>"');
    return false;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (match && sameToken(match[1]!, config.apiToken)) return true;
  res.setHeader('www-authenticate', 'Bearer realm="larder"');
  sendError(res, 401, 'UNAUTHENTICATED', 'This endpoint requires "Authorization: Bearer <token>" with the token of LARDER_API_TOKEN');
  return false;
}
