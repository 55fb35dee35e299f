import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { startFreshLarder } from './support/fresh-larder.js';
import { percentile, report } from './support/measure.js';
import { cpuMs } from './support/process-cpu.js';

/**
 * What limit-breaking GraphQL costs one api process, and what it does to everyone else:
 *
 * - `{__typename}` latency (p50/p99) idle, then while ATTACKERS clients send limit-breaking
 *   operations (the kinds below, in turn) as fast as the server refuses them;
 * - for each kind of attack, the time from sending it to its refusal (p50, client-side) and the
 *   api process's CPU time per refusal (from /proc, over REPEATS refusals in a row).
 *
 * Bodies are serialized once, so the client's own work stays small beside the server's.
 */
const ATTACKERS = Number(process.env.BENCH_ATTACKERS ?? 20);
const ATTACK_SECONDS = Number(process.env.BENCH_ATTACK_SECONDS ?? 15);
const IDLE_SAMPLES = 1_000;

const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);
const nested = (levels: number, open: string, inner: string) => `${open.repeat(levels)}${inner}${' }'.repeat(levels)}`;
let filter: object = { name: { eq: 'x' } };
for (let i = 0; i < 200; i++) filter = { not: filter };

interface Attack {
  name: string;
  code: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Refusals per CPU reading: enough for /proc's 10 ms ticks to count. */
  repeats: number;
}

const ATTACKS: Attack[] = [
  { name: 'string_5mb_literal', code: 'INPUT_TOO_LONG', query: `{ tasks(filter: { name: { eq: "${FIVE_MB}" } }) { totalCount } }`, repeats: 30 },
  { name: 'string_5mb_variable', code: 'INPUT_TOO_LONG', query: `query ($s: String) { tasks(filter: { name: { eq: $s } }) { totalCount } }`, variables: { s: FIVE_MB }, repeats: 30 },
  { name: 'aliases_1000', code: 'TOO_MANY_TOKENS', query: `{ ${Array.from({ length: 1000 }, (_, i) => `t${i}: tasks(first: 1000) { nodes { id } }`).join(' ')} }`, repeats: 300 },
  { name: 'aliases_50', code: 'TOO_MANY_ALIASES', query: `{ ${Array.from({ length: 50 }, (_, i) => `t${i}: tasks(first: 1000) { nodes { id } }`).join(' ')} }`, repeats: 300 },
  { name: 'selection_depth_200', code: 'QUERY_TOO_DEEP', query: `{ tasks { nodes { ${nested(198, 'parentTask { ', 'id')} } } }`, repeats: 300 },
  { name: 'input_depth_200', code: 'INPUT_TOO_DEEP', query: `query ($f: TaskFilter) { tasks(filter: $f) { totalCount } }`, variables: { f: filter }, repeats: 300 },
  { name: 'directives_60', code: 'TOO_MANY_DIRECTIVES', query: `{ ${Array.from({ length: 60 }, (_, i) => `f${i}: __typename @include(if: true)`).join(' ')} }`, repeats: 300 },
  { name: 'repeated_field_998', code: 'QUERY_TOO_COMPLEX', query: `{ ${'__typename '.repeat(998)}}`, repeats: 300 },
  { name: 'tokens_1mb', code: 'TOO_MANY_TOKENS', query: `{ ${'__typename '.repeat(100_000)}}`, repeats: 100 },
  { name: 'cost_nested_pages', code: 'QUERY_TOO_COMPLEX', query: `{ repositories(first: 1000) { nodes { versions(first: 1000) { nodes { content(first: 1000) { nodes { id } } } } } } }`, repeats: 300 },
];

interface Answer {
  data?: unknown;
  errors?: Array<{ extensions?: { code?: string } }>;
}

const larder = await startFreshLarder({ LARDER_WORKERS: '0' });
const endpoint = `${larder.client.url}/graphql`;
const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const bodies = new Map(ATTACKS.map((a) => [a, body(a.query, a.variables)]));
const typename = body('{ __typename }');

async function post(payload: string): Promise<Answer> {
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
  return (await res.json()) as Answer;
}

/** `{__typename}` round trips, one after another, until `count` or `until`; in ms. */
async function typenameLatencies(count: number, until = Number.POSITIVE_INFINITY): Promise<number[]> {
  const latencies: number[] = [];
  while (latencies.length < count && performance.now() < until) {
    const started = performance.now();
    const answer = await post(typename);
    latencies.push(performance.now() - started);
    if ((answer.data as { __typename?: string } | undefined)?.__typename !== 'Query') throw new Error(`{__typename} failed: ${JSON.stringify(answer)}`);
  }
  return latencies;
}

function expectRefused(attack: Attack, answer: Answer): void {
  const code = answer.errors?.[0]?.extensions?.code;
  if (code !== attack.code) throw new Error(`${attack.name}: expected ${attack.code}, got ${JSON.stringify(answer).slice(0, 300)}`);
}

try {
  await typenameLatencies(200);
  const idle = await typenameLatencies(IDLE_SAMPLES);
  report('typename_ms_p50', percentile(idle, 50), { load: 'idle' });
  report('typename_ms_p99', percentile(idle, 99), { load: 'idle' });

  for (const attack of ATTACKS) {
    expectRefused(attack, await post(bodies.get(attack)!));
    const times: number[] = [];
    const cpuBefore = cpuMs({ pids: [larder.pid] });
    for (let i = 0; i < attack.repeats; i++) {
      const started = performance.now();
      expectRefused(attack, await post(bodies.get(attack)!));
      times.push(performance.now() - started);
    }
    const cpu = cpuMs({ pids: [larder.pid] }) - cpuBefore;
    report('refusal_ms_p50', percentile(times, 50), { attack: attack.name, code: attack.code, transport: 'http' });
    report('refusal_api_cpu_ms', cpu / attack.repeats, { attack: attack.name, code: attack.code, transport: 'http', refusals: attack.repeats });
  }

  // The same over graphql-ws: one socket, operations one after another.
  const ws = createClient({ url: endpoint.replace(/^http/, 'ws'), webSocketImpl: WebSocket });
  try {
    const overWebSocket = (attack: Attack) => new Promise<void>((resolve, reject) => {
      ws.subscribe({ query: attack.query, variables: attack.variables }, {
        next: (answer) => reject(new Error(`${attack.name} over graphql-ws: accepted ${JSON.stringify(answer).slice(0, 200)}`)),
        error: (errors) => {
          try {
            expectRefused(attack, { errors: errors as Answer['errors'] });
            resolve();
          } catch (error) {
            reject(error as Error);
          }
        },
        complete: () => undefined,
      });
    });
    for (const attack of ATTACKS.filter((a) => ['string_5mb_variable', 'selection_depth_200', 'cost_nested_pages'].includes(a.name))) {
      await overWebSocket(attack);
      const times: number[] = [];
      const cpuBefore = cpuMs({ pids: [larder.pid] });
      for (let i = 0; i < attack.repeats; i++) {
        const started = performance.now();
        await overWebSocket(attack);
        times.push(performance.now() - started);
      }
      const cpu = cpuMs({ pids: [larder.pid] }) - cpuBefore;
      report('refusal_ms_p50', percentile(times, 50), { attack: attack.name, code: attack.code, transport: 'graphql-ws' });
      report('refusal_api_cpu_ms', cpu / attack.repeats, { attack: attack.name, code: attack.code, transport: 'graphql-ws', refusals: attack.repeats });
    }
  } finally {
    await ws.dispose();
  }

  // Everyone else while ATTACKERS clients send limit-breaking operations in turn, as fast as they
  // are refused: every kind, then only those without a 5 MB body (whose reading and JSON parsing
  // costs more than any check).
  const rounds = [
    { attacks: ATTACKS, kinds: 'every kind' },
    { attacks: ATTACKS.filter((a) => !a.name.startsWith('string_5mb')), kinds: 'no 5 MB bodies' },
  ];
  for (const { attacks, kinds } of rounds) {
    const until = performance.now() + ATTACK_SECONDS * 1000;
    let refusals = 0;
    const cpuBefore = cpuMs({ pids: [larder.pid] });
    const attackers = Array.from({ length: ATTACKERS }, async (_, n) => {
      for (let i = n; performance.now() < until; i++) {
        const attack = attacks[i % attacks.length]!;
        expectRefused(attack, await post(bodies.get(attack)!));
        refusals++;
      }
    });
    const underAttack = await typenameLatencies(Number.POSITIVE_INFINITY, until);
    await Promise.all(attackers);
    const cpu = cpuMs({ pids: [larder.pid] }) - cpuBefore;
    const context = { load: `${ATTACKERS} attackers`, kinds, seconds: ATTACK_SECONDS };
    report('typename_ms_p50', percentile(underAttack, 50), context);
    report('typename_ms_p99', percentile(underAttack, 99), context);
    report('typename_answered', underAttack.length, context);
    report('attack_refusals_per_s', refusals / ATTACK_SECONDS, context);
    report('api_cpu_share_under_attack', cpu / (ATTACK_SECONDS * 1000), context);
  }
} finally {
  await larder.stop();
}
