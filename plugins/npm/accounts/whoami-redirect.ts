import type { ContentHandler } from '../../../core/plugin-api.js';
import { PUBLISH_PREFIX } from '../publish/publish-address.js';

/**
 * `npm whoami` at the URL npm installs from, `/content/<basePath>/-/whoami`, goes to the same
 * question at `/npm/<basePath>/`, where routes know the caller; npm follows it with its token.
 */
export const redirectWhoami: ContentHandler = async ({ res, target }) => {
  if (target.path !== '-/whoami') return false;
  res.writeHead(307, { location: `${PUBLISH_PREFIX}${target.basePath}/-/whoami`, 'cache-control': 'no-store' });
  res.end();
  return true;
};
