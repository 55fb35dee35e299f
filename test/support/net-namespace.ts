import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The absolute path of a program a test needs; a missing one fails the test, saying what to install. */
export function program(name: string, packageName: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not on PATH: install ${packageName} (apt-get install -y ${packageName})`);
}

/**
 * A command line that runs `argv` in a network namespace of its own with only loopback up: a
 * machine where nothing listens, whatever runs on this one (the shared Redis on 6379 too). Needs
 * root (CI runs as root); where the namespace cannot be made, the command fails.
 */
export function inOwnNetNamespace(argv: string[]): [string, string[]] {
  const ip = program('ip', 'iproute2');
  // Programs by absolute path, so the command runs with whatever PATH the test gives it.
  return [program('unshare', 'util-linux'), ['--net', program('sh', 'dash'), '-c', `${ip} link set lo up && exec "$@"`, 'sh', ...argv]];
}

/** The network namespace a process is in (`net:[inode]`). */
export function netNamespaceOf(pid: number): string {
  return readlinkSync(`/proc/${pid}/ns/net`);
}

/** Whether a process runs (a zombie, which only waits to be reaped, does not). */
export function alive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  return stat[stat.lastIndexOf(')') + 2] !== 'Z';
}

function runningWhere(test: (pid: number) => boolean): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return test(pid) && alive(pid);
      } catch {
        return false; // gone meanwhile
      }
    });
}

/** Every running process in a network namespace. */
export function processesIn(namespace: string): number[] {
  return runningWhere((pid) => netNamespaceOf(pid) === namespace);
}

/** Every running process whose working directory is `dir` or below it (a redis-server works in its --dir). */
export function processesWorkingIn(dir: string): number[] {
  return runningWhere((pid) => `${readlinkSync(`/proc/${pid}/cwd`)}/`.startsWith(`${dir}/`));
}

// Runs inside the namespace: relays each connection on a Unix socket to the port there.
const FORWARDER = `
const net = require('node:net');
const [socketPath, port] = process.argv.slice(1);
net.createServer((outside) => {
  const inside = net.connect(Number(port), '127.0.0.1');
  const end = () => { outside.destroy(); inside.destroy(); };
  outside.on('error', end).on('close', end);
  inside.on('error', end).on('close', end);
  outside.pipe(inside).pipe(outside);
}).listen(socketPath, () => console.log('forwarding'));
`;

export interface Bridge {
  /** `http://127.0.0.1:<port>` in the test's namespace, reaching the port inside. */
  url: string;
  close(): Promise<void>;
}

/**
 * Reaches `port` on the loopback of `pid`'s network namespace from the test's: a forwarder that
 * enters that namespace listens on a Unix socket under `dir` (a file, which both namespaces see),
 * and a relay here listens on a loopback port. HTTP and WebSocket pass through unchanged.
 */
export async function bridge(pid: number, port: number, dir: string): Promise<Bridge> {
  const socketPath = join(dir, 'bridge.sock');
  const forwarder = spawn(program('nsenter', 'util-linux'), [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', FORWARDER, socketPath, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(forwarder, 'exit');
  const forwarding = await Promise.race([once(createInterface({ input: forwarder.stdout! }), 'line').then(() => true), exited.then(() => false)]);
  if (!forwarding) throw new Error(`the forwarder into the network namespace of ${pid} exited (${forwarder.exitCode})`);

  const sockets = new Set<Socket>();
  const relay = createServer((outside) => {
    const inside = connect(socketPath);
    const end = () => {
      outside.destroy();
      inside.destroy();
    };
    for (const socket of [outside, inside]) {
      sockets.add(socket);
      socket.on('error', end).on('close', () => {
        sockets.delete(socket);
        end();
      });
    }
    outside.pipe(inside).pipe(outside);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
      if (forwarder.exitCode === null && forwarder.signalCode === null) forwarder.kill('SIGTERM');
      await exited;
    },
  };
}
