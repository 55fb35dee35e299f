import type { IncomingMessage, ServerResponse } from 'node:http';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface Route {
  method: string;
  prefix: string;
  handler: Handler;
}

/** Dispatches by method and longest path prefix; 404 when nothing matches, 405 for a wrong method. */
export function createRouter(routes: Route[]): Handler {
  const sorted = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const matching = sorted.filter((r) => path === r.prefix.replace(/\/$/, '') || path.startsWith(r.prefix));
    const route = matching.find((r) => r.method === '*' || r.method === req.method || (r.method === 'GET' && req.method === 'HEAD'));
    if (!route) {
      res.writeHead(matching.length > 0 ? 405 : 404, { 'content-type': 'text/plain' });
      res.end(matching.length > 0 ? 'Method Not Allowed\n' : 'Not Found\n');
      return;
    }
    await route.handler(req, res);
  };
}
