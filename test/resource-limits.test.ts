import { once } from 'node:events';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from './support/content.js';
import { FileRepositorySteps } from './support/file-repository.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { Upstream, serve } from './support/upstream.js';
import { WsSession, type WsMessage } from './support/ws-session.js';

// Small limits, so that each can be reached by a test; the defaults are in the README.
const LIMITS = {
  LARDER_MAX_ARTIFACT_BODY_BYTES: '1000',
  LARDER_MAX_UPLOAD_BYTES: '5000',
  LARDER_MAX_GRAPHQL_BODY_BYTES: '65536',
  LARDER_MAX_METADATA_BYTES: '4096',
  LARDER_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
  LARDER_WS_MAX_BUFFERED_BYTES: '65536',
  LARDER_HTTP_HEADERS_TIMEOUT_MS: '1000',
  LARDER_HTTP_REQUEST_TIMEOUT_MS: '3000',
  LARDER_HTTP_KEEP_ALIVE_TIMEOUT_MS: '1500',
};

let t: TestLarder;
let upstream: Upstream;
let authorization: string;
beforeAll(async () => {
  t = await startTestLarder({ env: LIMITS });
  upstream = await Upstream.start();
  authorization = t.client.authorization!;
});
afterAll(async () => {
  await upstream?.close();
  await t?.stop();
});

/** The server still answers a request of someone else after the limit was met. */
async function stillAnswering(): Promise<void> {
  expect(await t.client.data(`{ __typename }`)).toEqual({ __typename: 'Query' });
}

/** A TCP connection to Larder's HTTP port, speaking HTTP by hand: what it receives, and when the server closes it. */
async function rawConnection(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const { hostname, port } = new URL(t.larder.url!);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  return { socket, received: () => received, closed };
}

const statusLine = (response: string) => response.split('\r\n', 1)[0];
const jsonBody = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

async function artifactCount(): Promise<number> {
  return (await t.client.data(`{ artifacts { totalCount } }`)).artifacts.totalCount;
}

describe('POST /artifacts with more than LARDER_MAX_ARTIFACT_BODY_BYTES', () => {
  it('is refused with 413 TOO_LARGE as soon as its Content-Length says so, before a byte of the body is sent', async () => {
    const raw = await rawConnection();
    raw.socket.write(`POST /artifacts HTTP/1.1\r\nHost: larder\r\nAuthorization: ${authorization}\r\nContent-Length: 1001\r\n\r\n`);
    await raw.closed;
    expect(statusLine(raw.received())).toBe('HTTP/1.1 413 Payload Too Large');
    expect(raw.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(jsonBody(raw.received())).toMatchObject({ code: 'TOO_LARGE', error: expect.stringContaining('LARDER_MAX_ARTIFACT_BODY_BYTES') });

    const atTheLimit = Buffer.alloc(1000, 1);
    const accepted = await fetch(`${t.larder.url}/artifacts?sha256=${sha256(atTheLimit)}`, { method: 'POST', body: atTheLimit, headers: t.client.headers });
    expect(accepted.status).toBe(201);
    await stillAnswering();
  });

  it('is refused with 413 TOO_LARGE while it streams without a Content-Length, and none of it is kept', async () => {
    const before = await artifactCount();
    const { hostname, port } = new URL(t.larder.url!);
    const upload = request({ host: hostname, port, method: 'POST', path: '/artifacts', headers: { ...t.client.headers, 'transfer-encoding': 'chunked' } });
    upload.on('error', () => undefined);
    upload.write(Buffer.alloc(1500, 2));
    // The body is never ended: the answer comes once the limit is passed.
    const [response] = (await once(upload, 'response')) as [import('node:http').IncomingMessage];
    const body = await new Promise<string>((resolve) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk));
      response.on('end', () => resolve(text));
    });
    upload.destroy();
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ code: 'TOO_LARGE' });
    expect(await artifactCount()).toBe(before);
    await stillAnswering();
  });
});

describe('uploads over LARDER_MAX_UPLOAD_BYTES', () => {
  it('are refused by createUpload with BAD_USER_INPUT naming the field and the limit; chunks cannot pass the size taken', async () => {
    const refused = await t.client.request(`mutation { createUpload(size: 5001) { id } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'size', limit: 5000 });
    expect(refused.errors?.[0]?.message).toContain('LARDER_MAX_UPLOAD_BYTES');

    const { createUpload } = await t.client.data(`mutation { createUpload(size: 5000) { id url } }`);
    const beyond = await fetch(createUpload.url, {
      method: 'PUT', body: Buffer.alloc(10, 3), headers: { ...t.client.headers, 'content-range': 'bytes 5000-5009/*' },
    });
    expect(beyond.status).toBe(400);
    expect(await beyond.json()).toMatchObject({ code: 'BAD_CONTENT_RANGE' });
    await stillAnswering();
  });
});

describe('GraphQL requests over LARDER_MAX_GRAPHQL_BODY_BYTES', () => {
  it('are refused with 413 TOO_LARGE over HTTP, and end the graphql-ws session with 1009', async () => {
    const padding = 'x'.repeat(70_000);
    const res = await fetch(`${t.larder.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...t.client.headers },
      body: JSON.stringify({ query: '{ __typename }', variables: { padding } }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions).toEqual({ code: 'TOO_LARGE', limit: 65536 });

    const { session, acknowledged } = await WsSession.open(t.larder.url!, authorization);
    expect(acknowledged).toBe(true);
    session.sendRaw(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: '{ __typename }', variables: { padding } } }));
    expect((await session.closed).code).toBe(1009);
    await stillAnswering();
  });
});

describe('syncs whose metadata passes LARDER_MAX_METADATA_BYTES', () => {
  /** A PULP_MANIFEST of valid lines, over 4096 bytes. */
  const manifest = Array.from({ length: 100 }, (_, i) => `file-${i}.txt,${sha256(String(i))},${String(i).length}`).join('\n');

  it.each([
    ['with a Content-Length', serve(manifest)],
    ['streamed without one', (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200);
      for (let at = 0; at < manifest.length; at += 512) res.write(manifest.slice(at, at + 512));
      res.end();
    }],
  ])('fail with METADATA_TOO_LARGE, the manifest %s', async (how, handler) => {
    const directory = `/large-${how.split(' ')[0]}/`;
    upstream.route(`${directory}PULP_MANIFEST`, handler);
    const steps = new FileRepositorySteps(t.client);
    const remote = await steps.remote(`large-${how}`, upstream.url(directory));
    const repository = await steps.repository(`large-${how}`);
    const sync = await steps.sync(repository, remote);
    expect(sync.state).toBe('FAILED');
    expect(sync.error).toMatchObject({ code: 'METADATA_TOO_LARGE', description: expect.stringContaining('4096') });
    expect(upstream.hits(`${directory}PULP_MANIFEST`)).toBe(1);
    await stillAnswering();
  });
});

describe('graphql-ws connections', () => {
  /** The next message for operation `id`, skipping those of others. */
  async function messageFor(session: WsSession, id: string): Promise<WsMessage | null> {
    for (;;) {
      const message = await session.next();
      if (!message || message.id === id) return message;
    }
  }

  it(`run at most LARDER_MAX_SUBSCRIPTIONS_PER_CONNECTION operations at once: one more is refused with TOO_MANY_SUBSCRIPTIONS`, async () => {
    const { session } = await WsSession.open(t.larder.url!, authorization);
    const running = [1, 2, 3].map(() => session.subscribe(`subscription { taskEvents { id } }`));
    const refused = await messageFor(session, session.subscribe(`subscription { taskEvents { id } }`));
    expect(refused).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 3 } }] });
    const query = await messageFor(session, session.subscribe(`{ __typename }`));
    expect(query).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }] });

    // The three still run, and a place freed is taken again.
    session.complete(running[0]!);
    const answer = await messageFor(session, session.subscribe(`{ __typename }`));
    expect(answer).toMatchObject({ type: 'next', payload: { data: { __typename: 'Query' } } });
    const { dispatchTestTask } = await t.client.data(`mutation { dispatchTestTask(sleepMs: 0) { id } }`);
    const event = await messageFor(session, running[1]!);
    expect(event).toMatchObject({ type: 'next', payload: { data: { taskEvents: { id: dispatchTestTask.id } } } });
    session.close();
    await stillAnswering();
  });

  it('drop a client that stops reading while many tasks change: closed with 4008 rather than buffered for', async () => {
    // Each event of the slow subscription carries about 10 KB: 2000 of them are far more than the
    // kernel's socket buffers and LARDER_WS_MAX_BUFFERED_BYTES together.
    const resource = (i: number) => `flood-${i}-${'r'.repeat(1000)}`;
    const heavy = Array.from({ length: 10 }, (_, i) => `r${i}: sharedResources`).join(' ');
    const { session: slow } = await WsSession.open(t.larder.url!, authorization);
    const { session: watcher } = await WsSession.open(t.larder.url!, authorization);
    const slowId = slow.subscribe(`subscription { taskEvents(filter: { reservedResource: "flood" }) { id ${heavy} } }`);
    const watchId = watcher.subscribe(`subscription { taskEvents(filter: { reservedResource: "flood" }) { id } }`);
    // Both subscriptions are live once each has heard of a first task; this one holds the resource the flood waits for.
    const blocker = await t.larder.tasks.dispatch('core.test', { sleepMs: 600_000, fail: false }, { exclusiveResources: ['flood'] });
    expect(await messageFor(slow, slowId)).toMatchObject({ type: 'next' });
    expect(await messageFor(watcher, watchId)).toMatchObject({ type: 'next' });

    slow.stopReading();
    const FLOOD = 2000;
    for (let batch = 0; batch < FLOOD / 200; batch++) {
      await t.larder.tasks.dispatchMany(Array.from({ length: 200 }, (_, i) => ({
        name: 'core.test', args: { sleepMs: 0, fail: false },
        options: { exclusiveResources: ['flood'], sharedResources: [resource(batch * 200 + i)] },
      })));
    }
    // The watcher, reading, hears every one of them (and the server had as many to send to the slow one).
    let heard = 0;
    while (heard < FLOOD) {
      const message = await messageFor(watcher, watchId);
      expect(message).toMatchObject({ type: 'next' });
      if ((message!.payload as { data: { taskEvents: { id: string } } }).data.taskEvents.id !== blocker.id) heard++;
    }

    slow.resumeReading();
    const closed = await slow.closed;
    expect(closed.code).toBe(4008);
    expect(closed.reason).toMatch(/^Slow consumer/);
    let delivered = 0;
    while ((await slow.next(0))?.type === 'next') delivered++;
    expect(delivered).toBeLessThan(FLOOD);

    // The watcher's session goes on, as does everyone else's.
    const query = await messageFor(watcher, watcher.subscribe(`{ __typename }`));
    expect(query).toMatchObject({ type: 'next', payload: { data: { __typename: 'Query' } } });
    watcher.close();
    await stillAnswering();
  });
});

describe('HTTP timeouts', () => {
  it('answer a client that takes longer than LARDER_HTTP_HEADERS_TIMEOUT_MS to send its headers with 408, and close', async () => {
    const raw = await rawConnection();
    const started = Date.now();
    raw.socket.write('POST /graphql HTTP/1.1\r\nHost: larder\r\n');
    const closedAt = await raw.closed;
    expect(statusLine(raw.received())).toBe('HTTP/1.1 408 Request Timeout');
    expect(closedAt - started).toBeGreaterThanOrEqual(900);
    expect(closedAt - started).toBeLessThan(10_000);
    await stillAnswering();
  });

  it('answer a client that takes longer than LARDER_HTTP_REQUEST_TIMEOUT_MS to send its body with 408, and close', async () => {
    const before = await artifactCount();
    const raw = await rawConnection();
    const started = Date.now();
    raw.socket.write(`POST /artifacts HTTP/1.1\r\nHost: larder\r\nAuthorization: ${authorization}\r\nContent-Length: 500\r\n\r\n${'x'.repeat(10)}`);
    const closedAt = await raw.closed;
    expect(statusLine(raw.received())).toBe('HTTP/1.1 408 Request Timeout');
    expect(closedAt - started).toBeGreaterThanOrEqual(2_900);
    expect(closedAt - started).toBeLessThan(12_000);
    expect(await artifactCount()).toBe(before);
    await stillAnswering();
  });

  it('close a kept-alive connection idle for LARDER_HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const raw = await rawConnection();
    const body = JSON.stringify({ query: '{ __typename }' });
    raw.socket.write(`POST /graphql HTTP/1.1\r\nHost: larder\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    while (!raw.received().includes('"__typename":"Query"')) await once(raw.socket, 'data');
    const answeredAt = Date.now();
    // Node tells the client in whole seconds.
    expect(raw.received()).toMatch(/\r\nkeep-alive: timeout=1\r\n/i);
    const closedAt = await raw.closed;
    expect(closedAt - answeredAt).toBeGreaterThanOrEqual(1_400);
    expect(closedAt - answeredAt).toBeLessThan(4_000);
    await stillAnswering();
  });
});
