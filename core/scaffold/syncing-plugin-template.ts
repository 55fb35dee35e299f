import type { PluginNames } from './plugin-template.js';

/**
 * The files of a new syncing plugin (`new-plugin`'s default), by path under `plugins/<name>/`: a
 * remote on a JSON index (the remote's URL names the index file, as Helm's names `index.yaml`), a
 * package content type with its natural and repository keys, a repository synced by a
 * `defineSyncTask`, a distribution of repository versions with a content handler serving the index
 * of what it serves, their migration, and a test syncing from a local upstream and downloading
 * through the distribution.
 */
export function syncingFiles({ plugin, pascal, kebab, camel }: PluginNames): Record<string, string> {
  const api = "'../../../core/plugin-api.js'";
  return {
    'index.ts': `import { definePlugin } from '../../core/plugin-api.js';
import { entities, resolvers } from './entities/${kebab}-types.js';
import { ${pascal}Columns } from './migrations/0001-${kebab}-columns.js';
import { serveIndex } from './serving/index-handler.js';
import { syncTask } from './tasks/sync-task.js';

/** ${pascal}: packages listed by an index, synced from a remote and served with an index of their own. Made by \`npm run new-plugin\`. */
export default definePlugin({
  name: '${plugin}',
  entities,
  resolvers,
  tasks: [syncTask],
  migrations: [{ name: '${plugin}-0001-columns', class: ${pascal}Columns }],
  contentHandlers: { '${plugin}.${plugin}': serveIndex },
});
`,
    [`entities/${kebab}-package.ts`]: `import { Entity, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Content } from ${api};

/**
 * A package: one file, stored once per (name, version, digest) however many repositories hold it.
 * The property names are the plugin's own on the content table shared by every plugin (see docs/plugins.md).
 */
@ObjectType({ implements: Content })
@Entity({ discriminatorValue: '${plugin}.package' })
@Unique({ name: 'content_${plugin}_package_unique', properties: ['packageName', 'packageVersion', 'packageDigest'] })
export class ${pascal}Package extends Content {
  @Field()
  @Property({ type: 'text', fieldName: '${plugin}_package_name' })
  packageName!: string;

  @Field()
  @Property({ type: 'text', fieldName: '${plugin}_package_version' })
  packageVersion!: string;

  @Field({ description: 'sha256 of the package file, hex.' })
  @Property({ type: 'text', fieldName: '${plugin}_package_digest' })
  packageDigest!: string;

  /** A repository version holds one package per name and version; other bytes under them replace the old. */
  static override readonly repositoryKey = ['packageName', 'packageVersion'];
}
`,
    [`entities/${kebab}-types.ts`]: `import { repositoryTypes } from ${api};
import { ${pascal}Package } from './${kebab}-package.js';

/**
 * ${pascal}Remote (an upstream index: the remote's URL names the index file; the files it lists are found
 * relative to it), ${pascal}Repository (holds packages, synced by ${plugin}.sync) and ${pascal}Distribution (serves a
 * repository's latest version, or one chosen, with an \`index.json\` of its packages; no publications), with their
 * resolvers: the generated CRUD, modify${pascal}Repository, sync${pascal}Repository and the packages' reads, each with its
 * access rule. A type that needs fields of its own is written as a class and given here; one that needs operations of its
 * own is written with its resolver, as the factories' docs show (see docs/plugins.md).
 */
export const { Remote: ${pascal}Remote, Repository: ${pascal}Repository, entities, resolvers } = repositoryTypes({
  prefix: '${pascal}',
  discriminator: '${plugin}.${plugin}',
  content: [${pascal}Package],
  syncTask: '${plugin}.sync',
  publication: false,
});
`,
    [`migrations/0001-${kebab}-columns.ts`]: `import { Migration } from '@mikro-orm/migrations';

/** The ${plugin} plugin's columns on the core's single-table-inheritance tables. */
export class ${pascal}Columns extends Migration {
  override async up(): Promise<void> {
    this.addSql(\`
alter table "content" add column "${plugin}_package_name" text null, add column "${plugin}_package_version" text null, add column "${plugin}_package_digest" text null;
alter table "content" add constraint "content_${plugin}_package_unique" unique ("${plugin}_package_name", "${plugin}_package_version", "${plugin}_package_digest");
\`);
  }
}
`,
    'sync/package-index.ts': `import { isHexDigest, TaskFailure } from ${api};

/** One package as an index lists it; \`url\` is resolved against the index's own URL. */
export interface IndexEntry {
  name: string;
  version: string;
  url: string;
  sha256: string;
  size?: number;
}

/** What a name and a version may be: one path segment each, so a package's path is always safe. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

function bad(at: number, reason: string): TaskFailure {
  return new TaskFailure(\`index entry \${at}: \${reason}\`, 'BAD_INDEX');
}

/** The entries of an index, \`{ "packages": [{ name, version, url, sha256, size? }] }\`, checked whole before anything is stored. */
export function parseIndex(text: string): IndexEntry[] {
  let index: unknown;
  try {
    index = JSON.parse(text);
  } catch (error) {
    throw new TaskFailure(\`the index is not JSON: \${(error as Error).message}\`, 'BAD_INDEX');
  }
  const packages = (index as { packages?: unknown } | null)?.packages;
  if (!Array.isArray(packages)) throw new TaskFailure('the index has no "packages" list', 'BAD_INDEX');
  return packages.map((entry: Partial<IndexEntry>, at) => {
    if (typeof entry?.name !== 'string' || !SEGMENT.test(entry.name)) throw bad(at, 'a name must be letters, digits, ".", "_", "+" or "-"');
    if (typeof entry.version !== 'string' || !SEGMENT.test(entry.version)) throw bad(at, 'a version must be letters, digits, ".", "_", "+" or "-"');
    if (typeof entry.url !== 'string' || entry.url === '') throw bad(at, 'a url is needed');
    if (typeof entry.sha256 !== 'string' || !isHexDigest('sha256', entry.sha256)) throw bad(at, 'sha256 must be a hex sha256 digest');
    if (entry.size !== undefined && !Number.isSafeInteger(entry.size)) throw bad(at, 'size must be a whole number of bytes');
    return { name: entry.name, version: entry.version, url: entry.url, sha256: entry.sha256.toLowerCase(), size: entry.size };
  });
}

/** Where a package's file is in a repository version: \`<name>/<version>/<name>-<version>\`. */
export function packagePath(entry: { name: string; version: string }): string {
  return \`\${entry.name}/\${entry.version}/\${entry.name}-\${entry.version}\`;
}
`,
    'tasks/sync-task.ts': `import { defineSyncTask, resolveAgainst, type DeclarativeUnit } from ${api};
import { ${pascal}Package } from '../entities/${kebab}-package.js';
import { ${pascal}Remote, ${pascal}Repository } from '../entities/${kebab}-types.js';
import { packagePath, parseIndex, type IndexEntry } from '../sync/package-index.js';

/** A package as the core's sync pipeline takes it: its key and its one file, fetched from where the index says. */
function packageUnit(entry: IndexEntry, indexUrl: string): DeclarativeUnit {
  return {
    fields: { packageName: entry.name, packageVersion: entry.version, packageDigest: entry.sha256 },
    files: [{
      relativePath: packagePath(entry),
      url: resolveAgainst(indexUrl, entry.url),
      expected: { sha256: entry.sha256, ...(entry.size === undefined ? {} : { size: entry.size }) },
    }],
  };
}

/** Reads the index the remote's URL names and makes a new version of the packages it lists (none when nothing changed). */
export const syncTask = defineSyncTask({
  name: '${plugin}.sync',
  remote: ${pascal}Remote,
  repository: ${pascal}Repository,
  contentType: ${pascal}Package,
  async sync({ remote, metadataText, write }) {
    const entries = parseIndex(await metadataText(remote.url));
    await write({ units: entries.map((entry) => packageUnit(entry, remote.url)), total: entries.length });
  },
});
`,
    'serving/index-handler.ts': `import { versionIndex } from ${api};
import { ${pascal}Package } from '../entities/${kebab}-package.js';
import type { IndexEntry } from '../sync/package-index.js';

/**
 * \`GET <distribution>/index.json\`: the packages a repository version holds, in the format syncs read (another
 * Larder can sync from it), built once per version served; the packages' files are the content app's.
 */
export const serveIndex = versionIndex({
  path: 'index.json',
  mediaType: 'application/json',
  contentType: ${pascal}Package,
  orderBy: { packageName: 'asc', packageVersion: 'asc' },
  render: (units) => JSON.stringify({
    packages: units.map(({ content, files: [file] }): IndexEntry => ({
      name: content.packageName, version: content.packageVersion, url: file!.href, sha256: content.packageDigest,
      ...(file!.size === null ? {} : { size: file!.size }),
    })),
  }),
});
`,
    [`test/${kebab}.test.ts`]: `import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runTask, serve, startTestLarder, Upstream, type TestLarder } from '../../../test/plugin-testing.js';

let t: TestLarder;
let upstream: Upstream;
beforeAll(async () => {
  [t, upstream] = await Promise.all([startTestLarder(), Upstream.start()]);
});
afterAll(async () => {
  await upstream?.close();
  await t?.stop();
});

const sha256 = (body: string) => createHash('sha256').update(body).digest('hex');

/** Serves \`files\` (name, version, body) upstream under files/, and an index of them; returns the index's URL. */
function publishUpstream(files: Array<[string, string, string]>): string {
  const packages = files.map(([name, version, body]) => {
    upstream.route(\`/repo/files/\${name}-\${version}.txt\`, serve(body));
    return { name, version, url: \`files/\${name}-\${version}.txt\`, sha256: sha256(body), size: Buffer.byteLength(body) };
  });
  return upstream.route('/repo/index.json', serve(JSON.stringify({ packages })));
}

async function servedIndex(baseUrl: string): Promise<Array<{ name: string; version: string; url: string; sha256: string }>> {
  const res = await fetch(new URL('index.json', baseUrl));
  expect(res.status).toBe(200);
  return ((await res.json()) as { packages: Array<{ name: string; version: string; url: string; sha256: string }> }).packages;
}

it('syncs packages from an upstream index, serves them with an index of its own, and replaces a package whose bytes changed', async () => {
  const url = publishUpstream([['hello', '1.0.0', 'hello, world\\n'], ['bye', '2.0.0', 'goodbye\\n']]);
  const { create${pascal}Remote: remote } = await t.client.data(
    'mutation ($input: Create${pascal}RemoteInput!) { create${pascal}Remote(input: $input) { id } }', { input: { name: 'upstream', url } });
  const { create${pascal}Repository: repo } = await t.client.data(
    'mutation { create${pascal}Repository(input: { name: "packages" }) { id } }');
  const sync = () => runTask(t.client, 'mutation ($id: ID!, $remote: ID!) { sync${pascal}Repository(id: $id, remoteId: $remote) { id } }',
    { id: repo.id, remote: remote.id });
  expect((await sync()).state).toBe('COMPLETED');

  const distributed = await runTask(t.client, 'mutation ($input: Create${pascal}DistributionInput!) { create${pascal}Distribution(input: $input) { id } }',
    { input: { name: 'packages', basePath: '${plugin}/packages', repositoryId: repo.id } });
  expect(distributed.state).toBe('COMPLETED');
  const { ${camel}Distribution: { baseUrl } } = await t.client.data(
    'query ($id: ID!) { ${camel}Distribution(id: $id) { baseUrl } }', { id: distributed.createdResources[0] });

  const index = await servedIndex(baseUrl);
  expect(index.map((p) => \`\${p.name}@\${p.version}\`)).toEqual(['bye@2.0.0', 'hello@1.0.0']);
  for (const entry of index) {
    const res = await fetch(new URL(entry.url, new URL('index.json', baseUrl)));
    expect(res.status).toBe(200);
    expect(sha256(await res.text())).toBe(entry.sha256);
  }

  publishUpstream([['hello', '1.0.0', 'hello again\\n'], ['bye', '2.0.0', 'goodbye\\n']]);
  expect((await sync()).state).toBe('COMPLETED');
  const { ${camel}Repository: synced } = await t.client.data(
    'query ($id: ID!) { ${camel}Repository(id: $id) { latestVersion { number } } }', { id: repo.id });
  expect(synced.latestVersion.number).toBe(2);
  const hello = (await servedIndex(baseUrl)).find((p) => p.name === 'hello')!;
  expect(hello.sha256).toBe(sha256('hello again\\n'));
  expect(await (await fetch(new URL(hello.url, new URL('index.json', baseUrl)))).text()).toBe('hello again\\n');
});
`,
    'README.md': `# The ${plugin} plugin

Packages listed by an index, synced from a remote and served again with an index of their own: a starting
point made by \`npm run new-plugin -- ${plugin}\`. Rename the package type and its fields for what they are.

- The index (at the remote's URL, e.g. \`https://example.com/repo/index.json\`) is
  \`{ "packages": [{ "name", "version", "url", "sha256", "size"? }] }\`; each \`url\` is resolved against the index's own URL.
- \`entities/${kebab}-package.ts\`: \`${pascal}Package\` (content; natural key name + version + sha256, one per name and
  version in a repository version); its columns come from \`migrations/\`.
- \`entities/${kebab}-types.ts\`: \`${pascal}Remote\`, \`${pascal}Repository\` and \`${pascal}Distribution\`, made by the plugin
  API's \`repositoryTypes\` with the generated queries and mutations (\`create${pascal}Remote\`, \`sync${pascal}Repository\`,
  \`create${pascal}Distribution\`, \`${camel}Packages\`, …), each with its access rule.
- \`tasks/sync-task.ts\` reads the index (\`sync/package-index.ts\`) and hands its units to the core's sync pipeline.
- \`serving/index-handler.ts\` answers \`GET /content/<basePath>/index.json\` with the index of what the distribution serves;
  the files themselves are the content app's.
- \`test/\`: the plugin's story against a local upstream, run by \`npm test\`.

See docs/plugins.md for what to grow next: publications, fields of a type's own, live APIs.
`,
  };
}
