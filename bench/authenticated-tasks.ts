import 'reflect-metadata';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { startTestLarder, type TestLarder } from '../test/support/test-larder.js';
import { makeUser } from '../test/support/identities.js';
import { backendCpu, backendCpuBetween } from './support/database-cpu.js';
import { KeepAlivePost } from './support/keep-alive-post.js';
import { abba, inParallel, percentile, report, round2 } from './support/measure.js';
import { cpuMs } from './support/process-cpu.js';
import { countStatements, type StatementCounter } from './support/statement-counter.js';
import { allFinished, databaseNow, endToEndSeconds } from './support/tasks-finished.js';

/**
 * What authenticating every request costs task dispatch. A user (not an admin) dispatches N
 * `dispatchTestTask(sleepMs: 0)` mutations, IN_FLIGHT at a time, to an api process of its own,
 * with one worker process running them:
 *
 * - http-bearer: over HTTP, each request carrying `Authorization: Bearer <token>`, checked per request;
 * - ws-signed-in-once (the baseline): the same mutations over one graphql-ws connection, whose token was
 *   checked once, when it connected. Anonymous dispatch is refused and Basic credentials cost no
 *   less than a token, so this is the cheapest way in. It also skips HTTP and Apollo's pipeline:
 *   it is a floor, not authentication's share alone.
 *
 * Authentication's share alone: `{ __typename }` over HTTP with the same Bearer token against
 * the same request without credentials (which any caller may send).
 *
 * Rounds go A, B, B, A, each after the previous round's tasks finished, so that drift falls on
 * both alike. Each figure is the one with a token per request, with its baseline, ratio = value /
 * baseline and difference = value - baseline (for CPU: what authenticating one request costs).
 * Then the SQL statements one dispatch makes each way, counted against this process's own api.
 */
const N = Number(process.env.BENCH_TASKS ?? 2_000);
const IN_FLIGHT = 32;
const WORKER_CONCURRENCY = 32;
const WARM_UP = 300;
const COUNTED = 5;

const DISPATCH = 'mutation ($resource: String!) { dispatchTestTask(sleepMs: 0, exclusiveResources: [$resource]) { id } }';
const TYPENAME = JSON.stringify({ query: '{ __typename }' });

/** One way of sending the i-th request; it fails unless the answer is the expected one. */
type Send = (i: number) => Promise<void>;

interface Answer {
  data?: { dispatchTestTask?: { id: string }; __typename?: string } | null;
  errors?: unknown[];
}

function dispatched(answer: Answer): void {
  if (!answer.data?.dispatchTestTask?.id) throw new Error(`dispatch failed: ${JSON.stringify(answer).slice(0, 300)}`);
}

function overSocket(socket: Client, query: string, variables: Record<string, unknown>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answer: Answer = {};
    socket.subscribe({ query, variables }, {
      next: (value) => (answer = value as Answer),
      error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
      complete: () => resolve(answer),
    });
  });
}

/** One connection, kept open (a lazy client would close it whenever nothing is in flight, and sign in again). */
function socketTo(url: string, authorization: string): Client {
  return createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization }, lazy: false });
}

interface Round {
  /** First sent to last answered, ms. */
  wallMs: number;
  latencies: number[];
  apiCpuMs: number;
  /** This database's backends (the api's, the worker's as it runs the tasks meanwhile). */
  postgresCpuMs: number;
}

async function round(t: TestLarder, apiPid: number, send: Send): Promise<Round> {
  const latencies: number[] = [];
  const postgresBefore = await backendCpu(t.sql);
  const cpuBefore = cpuMs({ pids: [apiPid] });
  const started = performance.now();
  await inParallel(IN_FLIGHT, N, async (i) => {
    const sent = performance.now();
    await send(i);
    latencies.push(performance.now() - sent);
  });
  const wallMs = performance.now() - started;
  const apiCpuMs = cpuMs({ pids: [apiPid] }) - cpuBefore;
  return { wallMs, latencies, apiCpuMs, postgresCpuMs: backendCpuBetween(postgresBefore, await backendCpu(t.sql)) };
}

/** A round of dispatches, then the wait for its tasks; end to end: first created to last finished (database clock), s. */
async function dispatchRound(t: TestLarder, apiPid: number, send: Send): Promise<Round & { endToEndS: number }> {
  const since = await databaseNow(t.sql);
  const measured = await round(t, apiPid, send);
  return { ...measured, endToEndS: await endToEndSeconds(t.sql, since, N) };
}

interface Sides {
  way: string;
  baselineWay: string;
  context: Record<string, unknown>;
}

function compare(figure: string, value: number, baseline: number, sides: Sides): void {
  report(figure, value, {
    way: sides.way, baseline: round2(baseline), baseline_way: sides.baselineWay,
    ratio: baseline === 0 ? null : round2(value / baseline), difference: round2(value - baseline), ...sides.context,
  });
}

/** Throughput, latency and CPU (api process, PostgreSQL) of two sets of rounds, `a` the figure and `b` its baseline. */
function compareRounds(prefix: string, rounds: { a: Round[]; b: Round[] }, sides: Sides): void {
  const requests = N * rounds.a.length;
  const sum = (side: Round[], part: (r: Round) => number) => side.reduce((total, r) => total + part(r), 0);
  const msPer = (side: Round[]) => sum(side, (r) => r.wallMs) / requests;
  compare(`${prefix}_ms_per_request`, msPer(rounds.a), msPer(rounds.b), sides);
  compare(`${prefix}_per_s`, 1000 / msPer(rounds.a), 1000 / msPer(rounds.b), sides);
  for (const p of [50, 95]) {
    compare(`${prefix}_latency_ms_p${p}`, percentile(rounds.a.flatMap((r) => r.latencies), p), percentile(rounds.b.flatMap((r) => r.latencies), p), sides);
  }
  for (const [part, cpu] of [['api', (r: Round) => r.apiCpuMs], ['postgres', (r: Round) => r.postgresCpuMs]] as const) {
    const us = (side: Round[]) => (sum(side, cpu) * 1000) / requests;
    compare(`${prefix}_${part}_cpu_us_per_request`, us(rounds.a), us(rounds.b), sides);
  }
}

/**
 * The statements one dispatch sends each way, against the api in this process: the fewest of a
 * few dispatches, one at a time (the open graphql-ws session's re-check, every 2 s, may fall
 * into one of them).
 */
async function statementsPerDispatch(t: TestLarder, authorization: string, counter: StatementCounter): Promise<{ bearer: string[]; socket: string[] }> {
  const http = new KeepAlivePost(1);
  const socket = socketTo(t.larder.url!, authorization);
  const fewest = async (dispatch: () => Promise<Answer>) => {
    let fewest: string[] | null = null;
    for (let i = 0; i < COUNTED; i++) {
      const { statements } = await counter.during(async () => dispatched(await dispatch()));
      if (fewest === null || statements.length < fewest.length) fewest = statements;
    }
    return fewest!;
  };
  try {
    dispatched(await overSocket(socket, DISPATCH, { resource: 'bench:count:connect' }));
    let i = 0;
    return {
      bearer: await fewest(async () => JSON.parse(await http.send(`${t.larder.url}/graphql`, { authorization },
        JSON.stringify({ query: DISPATCH, variables: { resource: `bench:count:http:${i++}` } }))) as Answer),
      socket: await fewest(() => overSocket(socket, DISPATCH, { resource: `bench:count:ws:${i++}` })),
    };
  } finally {
    await socket.dispose();
    http.close();
  }
}

const counter = countStatements();
const t = await startTestLarder({ workers: 0, env: { LARDER_DB_POOL: '20', LARDER_SHUTDOWN_GRACE_MS: '5000' } });
const http = new KeepAlivePost(IN_FLIGHT);
try {
  const user = await makeUser(t.client, 'dispatcher');
  const authorization = `Bearer ${user.token}`;
  const api = await t.spawn('api', { LARDER_DB_POOL: '20' });
  await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) });
  const endpoint = `${await api.url}/graphql`;
  const apiPid = api.child.pid!;
  const socket = socketTo(await api.url, authorization);
  try {
    let batch = 0;
    /** Each request holds a resource of its own, as in bench:tasks. */
    const resources = () => {
      const b = batch++;
      return (i: number) => `bench:${b}:${i}`;
    };
    const bearer = (): Send => {
      const resource = resources();
      return async (i) => dispatched(JSON.parse(await http.send(endpoint, { authorization },
        JSON.stringify({ query: DISPATCH, variables: { resource: resource(i) } }))) as Answer);
    };
    const overTheSocket = (): Send => {
      const resource = resources();
      return async (i) => dispatched(await overSocket(socket, DISPATCH, { resource: resource(i) }));
    };
    const typename = (headers: Record<string, string>): Send => async () => {
      const answer = JSON.parse(await http.send(endpoint, headers, TYPENAME)) as Answer;
      if (answer.data?.__typename !== 'Query') throw new Error(`{ __typename } failed: ${JSON.stringify(answer).slice(0, 300)}`);
    };

    const since = await databaseNow(t.sql);
    for (const send of [bearer(), overTheSocket(), typename({ authorization }), typename({})]) await inParallel(IN_FLIGHT, WARM_UP, send);
    await allFinished(t.sql, since);

    const context = { requests: 2 * N, in_flight: IN_FLIGHT };
    const dispatches = await abba(() => dispatchRound(t, apiPid, bearer()), () => dispatchRound(t, apiPid, overTheSocket()));
    const dispatchSides = { way: 'http-bearer', baselineWay: 'ws-signed-in-once', context: { ...context, operation: 'dispatchTestTask', worker_concurrency: WORKER_CONCURRENCY } };
    compareRounds('dispatch', dispatches, dispatchSides);
    const endToEnd = (side: Array<{ endToEndS: number }>) => (N * side.length) / side.reduce((total, r) => total + r.endToEndS, 0);
    compare('tasks_per_s_end_to_end', endToEnd(dispatches.a), endToEnd(dispatches.b), dispatchSides);

    const typenames = await abba(() => round(t, apiPid, typename({ authorization })), () => round(t, apiPid, typename({})));
    compareRounds('typename', typenames, { way: 'http-bearer', baselineWay: 'http-anonymous', context: { ...context, operation: '{ __typename } over HTTP' } });

    const statements = await statementsPerDispatch(t, authorization, counter);
    if (process.env.BENCH_VERBOSE) console.error(`bearer:\n  ${statements.bearer.join('\n  ')}\nsocket:\n  ${statements.socket.join('\n  ')}`);
    compare('sql_statements_per_dispatch', statements.bearer.length, statements.socket.length, { ...dispatchSides, context: { operation: 'dispatchTestTask' } });
  } finally {
    await socket.dispose();
  }
} finally {
  http.close();
  await t.stop();
}
