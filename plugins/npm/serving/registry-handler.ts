import type { ContentHandler } from '../../../core/plugin-api.js';
import { redirectWhoami } from '../accounts/whoami-redirect.js';
import { servePackuments } from './packument-handler.js';

/** What an npm distribution answers beyond its files: `npm whoami`, and packuments. */
export const serveRegistry: ContentHandler = async (request) => (await redirectWhoami(request)) || servePackuments(request);
