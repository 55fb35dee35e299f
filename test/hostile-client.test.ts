import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates } from './support/certificates.js';
import { GraphQLClient, type GraphQLResponse } from './support/graphql-client.js';
import { TASK_FIELDS } from './support/tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

/**
 * A client that sends what no honest one would, to an api process of its own (the built
 * program, default limits): each request is refused with the limit's code before any of it runs,
 * and the process goes on answering everyone else.
 */
let t: TestLarder;
let api: GraphQLClient;
beforeAll(async () => {
  t = await startTestLarder({ workers: 0 });
  api = new GraphQLClient(await (await t.spawn('api')).url, t.client.authorization);
});
afterAll(async () => {
  await api?.close();
  await t?.stop();
});
afterEach(async () => {
  expect(await api.data(`{ __typename }`)).toEqual({ __typename: 'Query' });
});

const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);

/** The first error of a request that must be refused, over HTTP, as the client's fault. */
async function refusal(query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
  });
  const result = (await res.json()) as GraphQLResponse<unknown>;
  expect(result.data ?? null, JSON.stringify(result.errors)?.slice(0, 500)).toBeNull();
  expect(res.status).toBe(400);
  return result.errors![0]!;
}

/** The first error of an operation that must be refused over graphql-ws (a query or a subscription). */
async function refusalOverWebSocket(query: string, variables: Record<string, unknown> = {}) {
  try {
    for await (const result of api.subscription(query, variables)) {
      expect(result.errors, `accepted: ${JSON.stringify(result).slice(0, 300)}`).toBeDefined();
      return result.errors![0]!;
    }
  } catch (errors) {
    return (errors as NonNullable<GraphQLResponse<unknown>['errors']>)[0]!;
  }
  throw new Error('the operation completed without a result');
}

/** `count` aliases of a full page of tasks. */
function aliasedPages(count: number): string {
  return Array.from({ length: count }, (_, i) => `t${i}: tasks(first: 1000) { nodes { id } }`).join(' ');
}

/** `{ task(id) { parentTask { parentTask { … } } } }`, `levels` selections deep. */
function deepSelection(levels: number): string {
  return `{ task(id: "0193a5b0-0000-7000-8000-000000000000") ${'{ parentTask '.repeat(levels - 2)}{ id }${' }'.repeat(levels - 2)} }`;
}

/** `{ not: { not: … { name: { eq: "x" } } } }`, a task filter nested `levels` deep. */
function deepFilter(levels: number): Record<string, unknown> {
  let filter: Record<string, unknown> = { name: { eq: 'x' } };
  for (let i = 0; i < levels; i++) filter = { not: filter };
  return filter;
}

describe('a hostile client', () => {
  it('leaves honest clients alone: introspection, a full page of tasks with every field', async () => {
    const introspection = await api.request(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true }));
    expect(introspection.errors).toBeUndefined();
    expect(await api.data(`{ tasks(first: 1000) { totalCount nodes { ${TASK_FIELDS} } } }`)).toEqual({ tasks: { totalCount: 0, nodes: [] } });
  });

  it('is refused a 5 MB string in a StringFilter, in the query or in a variable', async () => {
    const literal = await refusal(`{ tasks(filter: { name: { eq: "${FIVE_MB}" } }) { totalCount } }`);
    expect(literal.extensions?.code).toBe('INPUT_TOO_LONG');
    expect(literal.message).toContain('filter.name.eq');

    const variable = await refusal(`query ($s: String) { tasks(filter: { name: { contains: $s } }) { totalCount } }`, { s: FIVE_MB });
    expect(variable.extensions?.code).toBe('INPUT_TOO_LONG');
    expect(variable.extensions?.limit).toBe(16_384);
  });

  it('is refused 1,000 aliases of a full page of tasks, and fifty', async () => {
    // A thousand take more tokens than a document may have: that is the limit they meet first.
    expect((await refusal(`{ ${aliasedPages(1000)} }`)).extensions?.code).toBe('TOO_MANY_TOKENS');
    const error = await refusal(`{ ${aliasedPages(50)} }`);
    expect(error.extensions?.code).toBe('TOO_MANY_ALIASES');
    expect(error.message).toContain('found 50');
  });

  it('is refused 200 levels of nesting, of selections and of a filter', async () => {
    expect((await refusal(deepSelection(200))).extensions?.code).toBe('QUERY_TOO_DEEP');
    const filter = deepFilter(200);
    expect((await refusal(`query ($f: TaskFilter) { tasks(filter: $f) { totalCount } }`, { f: filter })).extensions?.code).toBe('INPUT_TOO_DEEP');
    const literal = JSON.stringify(filter).replace(/"(\w+)":/g, '$1: ');
    expect((await refusal(`{ tasks(filter: ${literal}) { totalCount } }`)).extensions?.code).toBe('INPUT_TOO_DEEP');
  });

  it('is refused sixty directives, and told so alone', async () => {
    const fields = Array.from({ length: 60 }, (_, i) => `f${i}: __typename @include(if: true)`).join(' ');
    const result = await api.request(`{ ${fields} }`);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['TOO_MANY_DIRECTIVES']);
  });

  it('is refused a document of too many tokens', async () => {
    const error = await refusal(`{ ${'__typename '.repeat(5000)}}`);
    expect(error.extensions?.code).toBe('TOO_MANY_TOKENS');
    expect(error.message).toContain('1000 tokens');
  });

  it('is told why when it repeats a field until graphql\'s validation gives up', async () => {
    const result = await api.request(`{ ${'__typename '.repeat(998)}}`);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(result.errors?.[0]?.message).toContain('repeats the same fields');
  });

  it('is refused a query whose page sizes multiply to too high a cost, given literally or in variables', async () => {
    const nested = `repositories(first: $outer) { nodes { versions(first: $inner) { nodes { number } } } }`;
    const error = await refusal(`query ($outer: Int, $inner: Int) { ${nested} }`, { outer: 1000, inner: 1000 });
    expect(error.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(error.extensions?.limit).toBe(50_000);
    expect((await refusal(`{ tasks(first: 1000) { nodes { taskGroup { tasks(first: 100) { nodes { id } } } } } }`)).extensions?.code)
      .toBe('QUERY_TOO_COMPLEX');
    // A page size not given is the default one, 100.
    expect((await refusal(`{ repositories { nodes { versions { nodes { content { nodes { id } } } } } } }`)).extensions?.code)
      .toBe('QUERY_TOO_COMPLEX');
    // The same shape with small pages is an honest query.
    expect(await api.data(`query ($outer: Int, $inner: Int) { ${nested} }`, { outer: 10, inner: 10 })).toEqual({ repositories: { nodes: [] } });
  });

  it('may give a remote a long CA bundle, within the larger limit for certificates, and no longer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'larder-hostile-'));
    try {
      // A bundle of some 300 KB, like a distribution's whole trust store: far above the limit for other strings.
      const { ca } = makeCertificates(dir);
      const bundle = ca.repeat(Math.ceil(300_000 / ca.length));
      const create = `mutation ($name: String!, $ca: String) { createFileRemote(input: { name: $name, url: "https://127.0.0.1:9/", caCert: $ca }) { caCert } }`;
      const { createFileRemote } = await api.data(create, { name: 'trust-store', ca: bundle });
      expect(createFileRemote.caCert).toBe(bundle);

      const tooLong = await refusal(create, { name: 'too-much', ca: ca.repeat(Math.ceil(1.1 * 1024 * 1024 / ca.length)) });
      expect(tooLong.extensions?.code).toBe('INPUT_TOO_LONG');
      expect(tooLong.extensions?.limit).toBe(1024 * 1024);
      // The larger limit is the certificate field's, not the bundle's wherever it goes.
      expect((await refusal(create, { name: bundle, ca })).extensions?.code).toBe('INPUT_TOO_LONG');
      expect((await refusal(`query ($ca: String) { fileRemotes(filter: { caCert: { eq: $ca } }) { totalCount } }`, { ca: bundle }))
        .extensions?.code).toBe('INPUT_TOO_LONG');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('meets the same limits over graphql-ws, in subscriptions and queries', async () => {
    expect((await refusalOverWebSocket(`subscription ($id: ID!) { taskUpdated(id: $id) { id } }`, { id: FIVE_MB })).extensions?.code)
      .toBe('INPUT_TOO_LONG');
    expect((await refusalOverWebSocket(`subscription ($f: TaskFilter) { taskEvents(filter: $f) { id } }`, { f: deepFilter(200) })).extensions?.code)
      .toBe('INPUT_TOO_DEEP');
    expect((await refusalOverWebSocket(`subscription { taskEvents { ${'parentTask { '.repeat(200)}id${' }'.repeat(200)} } }`)).extensions?.code)
      .toBe('QUERY_TOO_DEEP');
    expect((await refusalOverWebSocket(`{ ${aliasedPages(50)} }`)).extensions?.code).toBe('TOO_MANY_ALIASES');
    expect((await refusalOverWebSocket(`{ ${'__typename '.repeat(998)}}`)).extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect((await refusalOverWebSocket(`{ ${'__typename '.repeat(5000)}}`)).extensions?.code).toBe('TOO_MANY_TOKENS');
    expect((await refusalOverWebSocket(`{ repositories(first: 1000) { nodes { versions(first: 1000) { nodes { number } } } } }`)).extensions?.code)
      .toBe('QUERY_TOO_COMPLEX');
    // The socket is still open and serves an honest query.
    for await (const result of api.subscription(`{ __typename }`, {})) expect(result).toEqual({ data: { __typename: 'Query' } });
  });
});
