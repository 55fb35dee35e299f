import { Agent, request } from 'node:http';

/**
 * POSTs over kept-alive connections with node:http, at most `sockets` at once. The benchmark's own
 * side of a request then costs little CPU beside the server's (fetch costs several times more),
 * which matters where client and server share a few cores.
 */
export class KeepAlivePost {
  private readonly agent: Agent;

  constructor(sockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** The response body, as text; fails on any status but 200. */
  send(url: string, headers: Record<string, string>, body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'POST', agent: this.agent,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
          if (res.statusCode === 200) resolve(text);
          else reject(new Error(`${url}: ${res.statusCode} ${text.slice(0, 300)}`));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
