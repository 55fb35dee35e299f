import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { GraphQLClient } from '../test/support/graphql-client.js';
import { dispatchTestTask } from '../test/support/test-tasks.js';
import { startTestLarder, type TestLarder } from '../test/support/test-larder.js';
import { inParallel, peakRssMb, percentile, report } from './support/measure.js';

/**
 * Subscription latency and fan-out: SUBSCRIBERS concurrent `taskUpdated` subscriptions (one
 * WebSocket each) on one api process, following tasks run by a worker in another process. Each
 * delivery's latency is from the state change (the row's updatedAt, set by PostgreSQL) to its
 * arrival at the client. Targets: p50 ≤ 20 ms, p99 ≤ 200 ms. Two shapes:
 *
 * - spread: one task per subscriber; the tasks run as a worker of 10 slots takes them, so state
 *   changes come steadily (about a thousand a second) and each goes to its one subscriber;
 * - burst: ten tasks with a hundred subscribers each change state at the same instant, so every
 *   change fans out to a hundred sockets and a thousand deliveries leave together.
 *
 * For scale, the same thousand sockets' worth of messages sent by a bare `ws` server to bare
 * clients (no GraphQL, no Larder, one process): what this machine's sockets cost by themselves.
 */
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000);
const SLOTS = 10;

interface Update {
  taskUpdated: { updatedAt: string };
}

/** Subscribes, opens the gate the tasks wait behind, and returns every delivery's latency after the first row. */
async function deliveries(t: TestLarder, apiUrl: string, tasks: number, sleepMs: number, gate: string): Promise<number[]> {
  const blocker = await dispatchTestTask(t.client, { sleepMs: 3_600_000, exclusive: [gate] });
  const followed = await t.larder.tasks.dispatchMany(Array.from({ length: tasks }, (_, i) => ({
    name: 'core.test', args: { sleepMs, fail: false }, options: { exclusiveResources: [`${gate}:${i}`], sharedResources: [gate] },
  })));
  const clients: GraphQLClient[] = [];
  const latencies: number[] = [];
  const first: Array<Promise<void>> = [];
  const done: Array<Promise<void>> = [];
  try {
    await inParallel(50, SUBSCRIBERS, async (i) => {
      const client = new GraphQLClient(apiUrl, t.client.authorization);
      clients.push(client);
      let subscribed!: () => void;
      first.push(new Promise((resolve) => (subscribed = resolve)));
      done.push((async () => {
        let received = 0;
        const query = `subscription ($id: ID!) { taskUpdated(id: $id) { state updatedAt } }`;
        for await (const { data } of client.subscription<Update>(query, { id: followed[i % tasks]!.id })) {
          if (received++ === 0) subscribed();
          else latencies.push(Date.now() - Date.parse(data!.taskUpdated.updatedAt));
        }
      })());
    });
    await Promise.all(first);
    await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { id } }`, { id: blocker.id });
    await Promise.all(done);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return latencies;
}

/** One message broadcast to SUBSCRIBERS plain WebSocket clients; each one's latency in ms. */
async function bareBroadcast(): Promise<number[]> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: WebSocket[] = [];
  try {
    await inParallel(50, SUBSCRIBERS, async () => {
      const client = new WebSocket(url);
      clients.push(client);
      await new Promise((resolve) => client.once('open', resolve));
    });
    const latencies: number[] = [];
    const received = clients.map((client) => new Promise<void>((resolve) => client.once('message', (message) => {
      latencies.push(Date.now() - (JSON.parse(String(message)) as { sentAt: number }).sentAt);
      resolve();
    })));
    const message = JSON.stringify({ sentAt: Date.now(), payload: { data: { taskUpdated: { state: 'RUNNING', updatedAt: new Date() } } } });
    for (const socket of server.clients) socket.send(message);
    await Promise.all(received);
    return latencies;
  } finally {
    clients.forEach((client) => client.terminate());
    await new Promise((resolve) => server.close(resolve));
  }
}

const t = await startTestLarder({ workers: 0, env: { LOG_LEVEL: 'warn' } });
try {
  const api = await t.spawn('api');
  await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: String(SLOTS) });
  for (const [shape, tasks, sleepMs] of [['spread', SUBSCRIBERS, 10], ['burst', SLOTS, 100]] as const) {
    const latencies = await deliveries(t, await api.url, tasks, sleepMs, `bench:${shape}`);
    const context = { shape, subscribers: SUBSCRIBERS, tasks, deliveries: latencies.length };
    report('subscription_delivery_ms_p50', percentile(latencies, 50), context);
    report('subscription_delivery_ms_p99', percentile(latencies, 99), context);
    report('subscription_delivery_ms_max', Math.max(...latencies), context);
  }
  report('api_peak_rss_mb', peakRssMb(api.child.pid!), { subscribers: SUBSCRIBERS });
  const bare = await bareBroadcast();
  report('bare_ws_broadcast_ms_p50', percentile(bare, 50), { sockets: SUBSCRIBERS });
  report('bare_ws_broadcast_ms_p99', percentile(bare, 99), { sockets: SUBSCRIBERS });
} finally {
  await t.stop();
}
