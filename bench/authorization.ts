import 'reflect-metadata';
import { startTestLarder } from '../test/support/test-larder.js';
import { makeUser } from '../test/support/identities.js';
import type { GraphQLClient } from '../test/support/graphql-client.js';
import { percentile, report, round2 } from './support/measure.js';
import { countStatements } from './support/statement-counter.js';

/**
 * What authorization costs a list. 10,000 file repositories; `reader` holds VIEWER on 1 % of them
 * (every 100th by id, so the grants spread over the whole id range), admin owns them all, as if
 * admin had made them. The same page of 100 is asked for through GraphQL over HTTP by `reader`
 * (scoped: sees 100) and by admin (no scoping: sees 10,000), one request at a time, the two
 * interleaved in one process; each figure is the reader's, its baseline the admin's.
 *
 * Then the SQL statements each request makes, counted in this process (the Larder runs in it):
 * for pages of 1, 10 and 100, for both callers. A constant number is what keeps lists from
 * growing a query per row.
 */
const REPOSITORIES = 10_000;
/** One grant in this many repositories. */
const GRANT_EVERY = 100;
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 100);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 500);
const PAGE_SIZES = [1, 10, 100];
/** Requests counted per page size and caller: a stray background statement shows as a disagreement. */
const COUNTED = 5;

const QUERIES = {
  fileRepositories: 'query ($first: Int) { fileRepositories(first: $first) { totalCount nodes { id name } } }',
  repositories: 'query ($first: Int) { repositories(first: $first) { totalCount nodes { id name } } }',
} as const;
type ListQuery = keyof typeof QUERIES;

const statements = countStatements();
const t = await startTestLarder({ workers: 0, env: { LARDER_DB_POOL: '10' } });

/**
 * The fixture, made fast: one repository through the API (so every column, a plugin's too, is as
 * creating one leaves it), copied in SQL under new ids and names, with admin's owner role on each.
 */
async function makeRepositories(readerId: string): Promise<void> {
  const { createFileRepository } = await t.client.data<{ createFileRepository: { id: string } }>(
    'mutation { createFileRepository(input: { name: "bench-0" }) { id } }');
  await t.sql(
    `insert into repository
     select copy.* from repository r cross join generate_series(1, $2::int) g
       cross join lateral jsonb_populate_record(r, jsonb_build_object('id', gen_random_uuid(), 'name', 'bench-' || g)) copy
     where r.id = $1`,
    [createFileRepository.id, REPOSITORIES - 1]);
  await t.sql(
    `insert into role_assignment (id, created_at, updated_at, role, user_id, object_id, object_kind)
     select gen_random_uuid(), now(), now(), 'owner', u.id, r.id, 'repository'
     from repository r cross join user_account u where u.username = 'admin' and r.id <> $1`,
    [createFileRepository.id]);
  await t.sql(
    `insert into role_assignment (id, created_at, updated_at, role, user_id, object_id, object_kind)
     select gen_random_uuid(), now(), now(), 'viewer', $1, id, 'repository'
     from (select id, row_number() over (order by id) as n from repository) r where n % $2 = 0`,
    [readerId, GRANT_EVERY]);
  // As autovacuum would after such a load: the planner then knows the tables' sizes.
  await t.sql('analyze repository');
  await t.sql('analyze role_assignment');
}

interface ListAnswer {
  totalCount: number;
  nodes: Array<{ id: string; name: string }>;
}

async function list(client: GraphQLClient, query: ListQuery, first: number): Promise<ListAnswer> {
  const data = await client.data<Record<ListQuery, ListAnswer>>(QUERIES[query], { first });
  return data[query];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

try {
  const reader = await makeUser(t.client, 'reader');
  await makeRepositories(reader.id);
  const callers = { reader: { client: reader.client, sees: REPOSITORIES / GRANT_EVERY }, admin: { client: t.client, sees: REPOSITORIES } };

  for (const query of Object.keys(QUERIES) as ListQuery[]) {
    for (const [name, caller] of Object.entries(callers)) {
      const answer = await list(caller.client, query, 100);
      if (answer.totalCount !== caller.sees || answer.nodes.length !== 100) {
        throw new Error(`${query} as ${name}: expected 100 of ${caller.sees}, got ${answer.nodes.length} of ${answer.totalCount}`);
      }
    }

    // Interleaved, each caller first in turn, so that drift (the machine, PostgreSQL's caches)
    // falls on both alike.
    const times = { reader: [] as number[], admin: [] as number[] };
    for (let i = 0; i < WARM_UP + ITERATIONS; i++) {
      const order = i % 2 === 0 ? (['reader', 'admin'] as const) : (['admin', 'reader'] as const);
      for (const name of order) {
        const ms = await timed(() => list(callers[name].client, query, 100));
        if (i >= WARM_UP) times[name].push(ms);
      }
    }
    for (const p of [50, 95]) {
      const value = percentile(times.reader, p);
      const baseline = percentile(times.admin, p);
      report(`list_ms_p${p}`, value, {
        query, first: 100, caller: 'reader', sees: callers.reader.sees,
        baseline: round2(baseline), baseline_caller: 'admin', baseline_sees: callers.admin.sees,
        ratio: round2(value / baseline), iterations: ITERATIONS,
      });
    }

    for (const first of PAGE_SIZES) {
      const counts: Record<string, number> = {};
      for (const [name, caller] of Object.entries(callers)) {
        const seen = [];
        for (let i = 0; i < COUNTED; i++) seen.push((await statements.during(() => list(caller.client, query, first))).statements);
        const distinct = new Set(seen.map((s) => s.length));
        if (distinct.size !== 1) throw new Error(`${query}(first: ${first}) as ${name}: ${[...distinct].join(', ')} statements in turn`);
        counts[name] = seen[0]!.length;
        if (process.env.BENCH_VERBOSE) console.error(`${query}(first: ${first}) as ${name}:\n  ${seen[0]!.join('\n  ')}`);
      }
      report('sql_statements_per_request', counts.reader!, {
        query, first, caller: 'reader', baseline: counts.admin, baseline_caller: 'admin', ratio: round2(counts.reader! / counts.admin!),
      });
    }
  }
} finally {
  await t.stop();
}
