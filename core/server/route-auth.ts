import type { ServerResponse } from 'node:http';
import type { CallerAccess } from '../access/access.js';
import type { RouteContext } from '../plugin/definition.js';
import { sendError } from './json-response.js';

/** What a refused request is told to send: both schemes Larder accepts. */
export const CHALLENGE = 'Bearer realm="larder", Basic realm="larder", charset="UTF-8"';

/**
 * The caller's access when the request is signed in; otherwise answers 401 (with the challenge)
 * itself and returns null. Routes that act for a user start with it.
 */
export async function signedIn(res: ServerResponse, ctx: Pick<RouteContext, 'access'>): Promise<CallerAccess | null> {
  const access = await ctx.access();
  if (access.caller) return access;
  res.setHeader('www-authenticate', CHALLENGE);
  sendError(res, 401, 'UNAUTHENTICATED', access.refused
    ? `The credentials were refused: ${access.refused}`
    : 'Sign in: send "Authorization: Bearer <token>" or Basic credentials');
  return null;
}
