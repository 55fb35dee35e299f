import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An nginx serving a directory on 127.0.0.1, the baseline that Larder's HTTP figures stand beside. */
export interface Nginx {
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function accepting(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}) before listening`);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (connected) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nginx is not listening on ${port}`);
}

/** Fails with how to get nginx, rather than a spawn error, on a machine without it. */
export function requireNginx(): void {
  if (spawnSync(NGINX, ['-v']).error) throw new Error(`${NGINX} not found: apt-get install -y nginx-light (or set NGINX)`);
}

/**
 * Starts nginx in the foreground with one worker process (the same single process as the Larder
 * it is compared with), no access log, serving `root` at `/`.
 */
export async function startNginx(root: string): Promise<Nginx> {
  requireNginx();
  const prefix = await mkdtemp(join(tmpdir(), 'larder-nginx-'));
  const port = await freePort();
  // Started by root, nginx's worker would drop to nobody and be refused our private temp folders.
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  await writeFile(join(prefix, 'nginx.conf'), `
${user}
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`);
  const child = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  await accepting(port, child);
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGQUIT');
      if (child.exitCode === null) await once(child, 'exit');
      await rm(prefix, { recursive: true, force: true });
    },
  };
}
