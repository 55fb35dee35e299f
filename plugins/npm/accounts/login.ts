import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BadCredentials, issueApiToken, readBody, sendError, sendJson, sendUnauthenticated, TooLarge, type Caller, type RouteContext,
} from '../../../core/plugin-api.js';

/** A login document is a name and a password with a few fields of CouchDB's; nothing near this size. */
const MAX_DOCUMENT_BYTES = 64 * 1024;

/** The username and password of the document `npm login` PUTs, or why it is not one. */
async function credentials(req: IncomingMessage, username: string): Promise<{ password: string } | { refusal: string }> {
  let document: unknown;
  try {
    document = JSON.parse((await readBody(req, MAX_DOCUMENT_BYTES)).toString('utf8'));
  } catch (error) {
    if (error instanceof TooLarge || error instanceof SyntaxError) return { refusal: 'The login document must be JSON of at most 64 KiB' };
    throw error;
  }
  const { name, password } = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  if (name !== username) return { refusal: `The login document must name the user of its URL, "${username}"` };
  if (typeof password !== 'string') return { refusal: 'The login document must hold the password' };
  return { password };
}

async function signIn(ctx: RouteContext, username: string, password: string): Promise<Caller | null> {
  try {
    return await ctx.services.authenticator.signIn(username, password);
  } catch (error) {
    if (error instanceof BadCredentials) return null;
    throw error;
  }
}

/**
 * `PUT <registry>/-/user/org.couchdb.user:<name>`, as `npm login --auth-type=legacy` sends it: the
 * user's password for a new API token of theirs, which npm keeps as the registry's `_authToken`.
 * CouchDB's answer for a login (201 with the token); never a new user: users are made by admins.
 */
export async function login(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, username: string, registryPath: string): Promise<void> {
  const given = await credentials(req, username);
  if ('refusal' in given) return sendError(res, 400, 'BAD_REQUEST', given.refusal);
  const caller = await signIn(ctx, username, given.password);
  if (!caller) return sendUnauthenticated(res, 'Unknown user or wrong password');
  const { secret } = await issueApiToken(ctx.em, caller.userId, { name: `npm login at ${registryPath}` });
  res.setHeader('cache-control', 'no-store');
  sendJson(res, 201, { ok: true, id: `org.couchdb.user:${caller.username}`, token: secret });
}
