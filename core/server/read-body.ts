import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';

export class TooLarge extends Error {}

/** Reads a request body of at most `limit` bytes: TooLarge before a byte is read when Content-Length says more. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaredOver(req, limit)) throw new TooLarge(`body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new TooLarge(`body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Whether the request's Content-Length says its body is over `limit` bytes: it is refused before a byte of it is read. */
export function declaredOver(req: IncomingMessage, limit: number): boolean {
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > limit;
}

/** The request body as a stream that fails with TooLarge once it passes `limit` bytes (a body sent without Content-Length). */
export function limitedBody(req: IncomingMessage, limit: number): Readable {
  let size = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > limit ? new TooLarge(`body over ${limit} bytes`) : null, chunk);
    },
  });
  req.on('error', (error) => limited.destroy(error));
  limited.on('error', () => req.unpipe(limited));
  return req.pipe(limited);
}

/**
 * Ends the connection after a refused body rather than keeping it alive: node would otherwise read
 * the rest of the body (perhaps gigabytes) to reuse the connection.
 */
export function closeAfterRefusal(res: ServerResponse): void {
  res.setHeader('connection', 'close');
}
