import type { ServerResponse } from 'node:http';
import type { CallerAccess } from '../access/access.js';
import type { RouteContext } from '../plugin/definition.js';
import { sendError } from './json-response.js';

/** What a refused request is told to send: both schemes Larder accepts. */
export const CHALLENGE = 'Bearer realm="larder", Basic realm="larder", charset="UTF-8"';

/** Answers 401 with the challenge, which a client answers with credentials. */
export function sendUnauthenticated(res: ServerResponse, message: string): void {
  res.setHeader('www-authenticate', CHALLENGE);
  sendError(res, 401, 'UNAUTHENTICATED', message);
}

/** Why a request that has no caller is refused: the credentials it sent were refused, or it sent none (`need`). */
export function unauthenticatedMessage(access: CallerAccess, need = 'Sign in'): string {
  return access.refused
    ? `The credentials were refused: ${access.refused}`
    : `${need}: send "Authorization: Bearer <token>" or Basic credentials`;
}

/**
 * The caller's access when the request is signed in; otherwise answers 401 (with the challenge)
 * itself and returns null. Routes that act for a user start with it.
 */
export async function signedIn(res: ServerResponse, ctx: Pick<RouteContext, 'access'>): Promise<CallerAccess | null> {
  const access = await ctx.access();
  if (access.caller) return access;
  sendUnauthenticated(res, unauthenticatedMessage(access));
  return null;
}
