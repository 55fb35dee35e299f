import { CONTENT_PREFIX, type HttpRoute } from '../../../core/plugin-api.js';
import { answerAccount } from '../accounts/answer-account.js';
import { PUBLISH_PREFIX } from './publish-address.js';

/**
 * `GET /npm/<basePath>/…` goes to where the distribution serves the registry, `/content/<basePath>/…`:
 * npm publish reads the packument from its publish registry first, to refuse a version it has.
 * `npm whoami` is answered here.
 */
export const registryReadsRoute: HttpRoute = {
  method: 'GET',
  prefix: PUBLISH_PREFIX,
  async handle(req, res, ctx) {
    if (await answerAccount(req, res, ctx, PUBLISH_PREFIX)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    res.writeHead(307, { location: `${CONTENT_PREFIX}${url.pathname.slice(PUBLISH_PREFIX.length)}${url.search}` });
    res.end();
  },
};
