import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** An HTTP error as JSON: `code` is stable for programs, `error` is for people. */
export function sendError(res: ServerResponse, status: number, code: string, error: string): void {
  sendJson(res, status, { error, code });
}
