import { once } from 'node:events';
import WebSocket from 'ws';

/** How the server ended a session, and when (ms since the epoch, as the test saw it). */
export interface Closed {
  code: number;
  reason: string;
  at: number;
}

export interface WsMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/**
 * One graphql-ws session (the graphql-transport-ws protocol) spoken by hand: unlike graphql-ws's
 * client it never reconnects, so a test sees exactly how and when the server closed the session.
 */
export class WsSession {
  /** Resolves once the server (or the network) closes the socket; never rejects. */
  readonly closed: Promise<Closed>;
  private readonly inbox: WsMessage[] = [];
  private waiting: Array<() => void> = [];
  private nextId = 0;

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString(), at: Date.now() });
        this.wake();
      });
    });
    socket.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)) as WsMessage);
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /**
   * Connects to `<url>/graphql` and sends `connection_init` with `authorization` (none when null).
   * Resolves once the server acknowledges or closes the session: see `acknowledged`.
   */
  static async open(url: string, authorization: string | null): Promise<{ session: WsSession; acknowledged: boolean }> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const session = new WsSession(socket);
    await once(socket, 'open');
    socket.send(JSON.stringify({ type: 'connection_init', payload: authorization === null ? {} : { authorization } }));
    const first = await session.next(10_000);
    return { session, acknowledged: first?.type === 'connection_ack' };
  }

  /** Starts an operation; returns its id, which the messages for it carry. */
  subscribe(query: string, variables: Record<string, unknown> = {}): string {
    const id = String(++this.nextId);
    this.socket.send(JSON.stringify({ type: 'subscribe', id, payload: { query, variables } }));
    return id;
  }

  /** The next message from the server; null when the session closed first or `timeoutMs` passed. */
  async next(timeoutMs = 10_000): Promise<WsMessage | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.socket.readyState === WebSocket.CLOSED || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.inbox.shift()!;
  }

  /** Ends an operation the client started. */
  complete(id: string): void {
    this.socket.send(JSON.stringify({ type: 'complete', id }));
  }

  /** Sends `data` as it is, however large or malformed. */
  sendRaw(data: string): void {
    this.socket.send(data);
  }

  /**
   * Stops reading, as a client too slow to keep up: what the server sends piles up in the kernel's
   * buffers, then in the server's. `resumeReading` reads on (and sees how the server closed meanwhile).
   */
  stopReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((resume) => resume());
  }
}
