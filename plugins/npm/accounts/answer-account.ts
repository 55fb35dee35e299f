import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson, signedIn, type RouteContext } from '../../../core/plugin-api.js';
import { NpmDistribution } from '../entities/npm-distribution.js';
import { accountRequest } from './account-request.js';
import { login } from './login.js';

/** `GET <registry>/-/whoami`: the username of the token npm sends (401 without one). */
async function whoami(res: ServerResponse, ctx: RouteContext): Promise<void> {
  const access = await signedIn(res, ctx);
  if (!access) return;
  res.setHeader('cache-control', 'no-store');
  sendJson(res, 200, { username: access.caller!.username });
}

/**
 * Answers `npm login` and `npm whoami` under a registry URL of an npm distribution, `<prefix><basePath>/`:
 * a user and their tokens are Larder's, whichever of the distribution's URLs npm was given.
 * False for any other request, which the route answers.
 */
export async function answerAccount(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, prefix: string): Promise<boolean> {
  const request = accountRequest(new URL(req.url ?? '/', 'http://x').pathname, prefix);
  // Login is a PUT; whoami is read (GET or HEAD).
  if (!request || (request.kind === 'login') !== (req.method === 'PUT')) return false;
  if ((await ctx.em.count(NpmDistribution, { basePath: request.basePath })) === 0) {
    sendError(res, 404, 'NOT_FOUND', `No npm distribution has the base path "${request.basePath}"`);
  } else if (request.kind === 'login') {
    await login(req, res, ctx, request.username, `${prefix}${request.basePath}/`);
  } else {
    await whoami(res, ctx);
  }
  return true;
}
