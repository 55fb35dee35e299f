import { once } from 'node:events';
import {
  createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A remote's server on loopback: serves routes by (decoded) path and remembers every request. */
export class Upstream {
  readonly requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  /** TCP connections accepted so far. */
  connections = 0;
  private readonly routes = new Map<string, Handler>();

  private constructor(private readonly server: Server, readonly origin: string) {
    server.on('connection', () => this.connections++);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const path = decodeURIComponent(new URL(request.url!, origin).pathname);
      this.requests.push({ path, headers: request.headers });
      (this.routes.get(path) ?? status(404))(request, response);
    });
  }

  /** Over HTTPS when given TLS options; on `host`, another loopback address than 127.0.0.1 if need be. */
  static async start(tls?: ServerOptions, host = '127.0.0.1'): Promise<Upstream> {
    const server = tls ? createHttpsServer(tls) : createHttpServer();
    server.listen(0, host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return new Upstream(server, `${tls ? 'https' : 'http'}://${host}:${port}`);
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** Serves `path` with `handler`; returns its URL. */
  route(path: string, handler: Handler): string {
    this.routes.set(path, handler);
    return this.url(path);
  }

  hits(path: string): number {
    return this.requests.filter((request) => request.path === path).length;
  }

  headersOf(path: string): IncomingHttpHeaders[] {
    return this.requests.filter((request) => request.path === path).map((request) => request.headers);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

export function serve(body: string | Buffer, headers: Record<string, string> = {}): Handler {
  return (_request, response) => {
    response.writeHead(200, { 'content-length': Buffer.byteLength(body), ...headers });
    response.end(body);
  };
}

export function status(code: number, headers: Record<string, string> = {}): Handler {
  return (_request, response) => {
    response.writeHead(code, headers);
    response.end();
  };
}

export function redirect(code: number, location: string): Handler {
  return status(code, { location });
}

/** A TCP server that accepts connections and never says a word: neither a TLS handshake nor an HTTP answer. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
