import { CONTENT_PREFIX, type HttpRoute } from '../../../core/plugin-api.js';
import { answerAccount } from './answer-account.js';

/**
 * `npm login` at the URL npm installs from, `/content/<basePath>/`: the content app only reads, so
 * this is the one write under its prefix.
 */
export const contentLoginRoute: HttpRoute = {
  method: 'PUT',
  prefix: CONTENT_PREFIX,
  async handle(req, res, ctx) {
    if (await answerAccount(req, res, ctx, CONTENT_PREFIX)) return;
    res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' });
    res.end('Method Not Allowed\n');
  },
};
