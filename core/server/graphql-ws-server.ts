import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type ConnectionInitMessage, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';

/** What each graphql-ws callback gets as `ctx.extra`. */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

/** What one graphql-ws connection may hold. */
export interface ConnectionLimits {
  /** Operations running at once (LARDER_MAX_SUBSCRIPTIONS_PER_CONNECTION); more are refused with TOO_MANY_SUBSCRIPTIONS. */
  maxOperations: number;
  /** Bytes waiting to be sent (LARDER_WS_MAX_BUFFERED_BYTES); past it the connection closes with SLOW_CONSUMER. */
  maxBufferedBytes: number;
}

/** The close code of a client that read too slowly: what waited for it passed LARDER_WS_MAX_BUFFERED_BYTES. */
const SLOW_CONSUMER = 4008;

/** How often a connection is pinged; one that has not answered by the next ping is ended. */
const KEEP_ALIVE_MS = 12_000;

/**
 * graphql-ws over `ws`, as graphql-ws's own `useServer` serves it, with a bound on what one
 * connection holds. A message is handed to the socket at once rather than awaited until the
 * kernel takes it: awaiting would only move the backlog of a client that stops reading into each
 * subscription's event queue, where it grows for ever and no one measures it. Here it all waits in
 * the socket, counted in bytes, and a client with more than `maxBufferedBytes` waiting is dropped
 * with SLOW_CONSUMER (its close frame queued behind what waits; ws ends the socket within 30 s if
 * even that is not read).
 */
export function serveGraphQLOverWebSocket<P extends ConnectionInitMessage['payload']>(
  options: ServerOptions<P, SocketExtra>,
  wss: WebSocketServer,
  limits: ConnectionLimits,
  log: Logger,
): { dispose(): Promise<void> } {
  const server = makeServer<P, SocketExtra>({
    ...options,
    onSubscribe: (ctx, id, payload) => {
      // The operation being subscribed holds its place in `subscriptions` already.
      if (Object.keys(ctx.subscriptions).length > limits.maxOperations) {
        return [new GraphQLError(
          `This connection runs ${limits.maxOperations} operations already, the most LARDER_MAX_SUBSCRIPTIONS_PER_CONNECTION allows: complete one first`,
          { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: limits.maxOperations } },
        )];
      }
      return options.onSubscribe?.(ctx, id, payload);
    },
  });
  wss.options.handleProtocols = handleProtocols;
  wss.on('error', (error) => {
    log.error({ err: error }, 'graphql-ws server failed');
    for (const client of wss.clients) client.close(CloseCode.InternalServerError, 'Internal server error');
  });
  wss.on('connection', (socket, request) => {
    // ws reports what a client did wrong (a frame over maxPayload, a bad frame) and closes the socket itself.
    socket.on('error', (error) => log.warn({ err: error }, 'graphql-ws client error'));
    let answered = true;
    const keepAlive = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      if (!answered) return socket.terminate();
      answered = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    socket.on('pong', () => (answered = true));
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => {
          if (socket.readyState !== socket.OPEN) return;
          socket.send(data);
          if (socket.bufferedAmount > limits.maxBufferedBytes) {
            log.warn({ buffered: socket.bufferedAmount, limit: limits.maxBufferedBytes }, 'graphql-ws client too slow: dropped');
            socket.close(SLOW_CONSUMER, `Slow consumer: over ${limits.maxBufferedBytes} bytes waited to be sent`);
          }
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) => socket.on('message', (data) => {
          handle(String(data)).catch((error: unknown) => {
            log.error({ err: error }, 'graphql-ws message failed');
            socket.close(CloseCode.InternalServerError, 'Internal server error');
          });
        }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      closed(code, String(reason)).catch((error: unknown) => log.warn({ err: error }, 'closing a graphql-ws connection failed'));
    });
  });
  return {
    async dispose() {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
