import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { imports, packageImports, sources } from './support/source-imports.js';

const core = join(projectRoot, 'core');
const graphqlLayer = join(core, 'graphql');
const belowTheApi = [join(core, 'tasking'), join(core, 'db'), join(core, 'content')];
const graphqlPackages = /^(graphql|graphql-ws)(\/|$)|^@apollo\//;

const shown = (file: string) => relative(projectRoot, file);

/** The shortest chain of imports from one of the roots to every file they reach. */
function reachable(roots: string[]): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  const queue = roots.map((file) => [file]);
  while (queue.length > 0) {
    const chain = queue.shift()!;
    const file = chain.at(-1)!;
    if (chains.has(file)) continue;
    chains.set(file, chain);
    if (existsSync(file)) for (const target of imports(file)) queue.push([...chain, target]);
  }
  return chains;
}

it('keeps tasking, content and the database layer free of the GraphQL layer, directly or through other modules', () => {
  const intoGraphQL = [...reachable(belowTheApi.flatMap(sources)).values()]
    .filter((chain) => chain.at(-1)!.startsWith(`${graphqlLayer}/`))
    .map((chain) => chain.map(shown).join(' → '));
  expect(intoGraphQL, 'layers run one way, graphql → tasking → db: throw an ExpectedFailure (core/expected-failure.ts) '
    + 'that core/graphql/format-error.ts maps, and move what both sides need out of core/graphql').toEqual([]);
});

it('keeps GraphQL itself out of tasking, content and the database layer', () => {
  const usingGraphQL = belowTheApi.flatMap(sources).flatMap((file) =>
    packageImports(file).filter((p) => graphqlPackages.test(p)).map((p) => `${shown(file)} imports ${p}`),
  );
  expect(usingGraphQL, 'entities may carry type-graphql decorators, but errors and streams below the API are not GraphQL\'s')
    .toEqual([]);
});
