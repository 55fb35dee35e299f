import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { createTestDatabase } from './support/database.js';
import { basic, GraphQLClient } from './support/graphql-client.js';
import { spawnProgram, type LarderProcess } from './support/larder-process.js';
import { deleteRedisKeys } from './support/test-larder.js';

// Larder and a plugin, each packed by `npm pack` as it would be published, installed into a project
// of their own, and run from there by the installed `larder` with the plugin named by its package
// name. The plugin (test/fixtures/plugin-package/, plain JavaScript) imports Larder as `larder` and
// has type-graphql, MikroORM and graphql as peer dependencies: the copies Larder brings.
const execute = promisify(execFile);
const PLUGIN = '@larder-fixtures/notebook';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PASSWORD = randomBytes(12).toString('hex');

const work = mkdtempSync(join(tmpdir(), 'larder-plugin-package-'));
const project = join(work, 'project');
const prefix = `larder-plugin-package-${randomBytes(6).toString('hex')}`;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let larder: LarderProcess | undefined;

/** `npm pack`s a folder into `work`; the tarball's path. Scripts are skipped: `pretest` built dist/ already. */
async function pack(folder: string): Promise<string> {
  const { stdout } = await execute('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, folder], { cwd: projectRoot });
  return join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
}

/** Every installed copy of a package in a project's node_modules tree, nested ones included. */
function copiesOf(name: string, modules = join(project, 'node_modules')): string[] {
  if (!existsSync(modules)) return [];
  return readdirSync(modules).filter((entry) => !entry.startsWith('.')).flatMap((entry) => {
    const folders = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((scoped) => join(modules, entry, scoped)) : [join(modules, entry)];
    return folders.flatMap((folder) => {
      const manifest = join(folder, 'package.json');
      const own = existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name ? [folder] : [];
      return [...own, ...copiesOf(name, join(folder, 'node_modules'))];
    });
  });
}

/** `larder <command>` as the project's operator runs it: its installed bin, from the project's folder. */
function installedLarder(command: string | string[], env: Record<string, string>): LarderProcess {
  return spawnProgram('sh', ['-c', 'cd "$0" && exec node_modules/.bin/larder "$@"', project, ...[command].flat()], {
    DATABASE_URL: database.url, REDIS_URL, LARDER_REDIS_PREFIX: prefix, LARDER_HOME: join(work, 'home'), PORT: '0', LOG_LEVEL: 'info',
    ...env,
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  const [larderTarball, pluginTarball] = await Promise.all([pack('.'), pack('./test/fixtures/plugin-package')]);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'shelf-project', private: true }));
  // Seeded with the repository's installed tree (hard links, not copies: same files, no 600 MB
  // written), so that the install adds the two packages offline, on the versions the lock file
  // pins, in seconds. npm drops the devDependencies it finds extraneous, unlinking its own links.
  // The hidden lock file goes: npm rewrites it, and a hard link would rewrite the repository's.
  await execute('cp', ['-al', join(projectRoot, 'node_modules'), join(project, 'node_modules')]);
  rmSync(join(project, 'node_modules', '.package-lock.json'));
  await execute('npm', ['install', '--offline', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', larderTarball, pluginTarball], { cwd: project });
}, 120_000);

afterAll(async () => {
  await larder?.stop();
  await database?.drop();
  await deleteRedisKeys(prefix);
  rmSync(work, { recursive: true, force: true });
});

it('installs one copy of graphql, type-graphql and MikroORM, which Larder and the plugin both import', () => {
  expect(readdirSync(join(project, 'node_modules', '@larder-fixtures'))).toEqual(['notebook']);
  for (const shared of ['graphql', 'type-graphql', '@mikro-orm/core', '@mikro-orm/migrations', 'larder']) {
    expect(copiesOf(shared), shared).toEqual([join(project, 'node_modules', shared)]);
  }
});

it('runs the installed larder with the plugin package named in LARDER_PLUGINS, its generated CRUD answering over GraphQL', async () => {
  larder = installedLarder('start', { LARDER_PLUGINS: PLUGIN, LARDER_ADMIN_PASSWORD: PASSWORD });
  const client = new GraphQLClient(await larder.url, basic('admin', PASSWORD));
  expect(larder.output.join('\n')).toContain('notebook-0001-columns');

  const { createNotebookRemote: created } = await client.data(`mutation {
    createNotebookRemote(input: { name: "spiral", url: "https://notes.example/spiral/" }) { id name url shelf }
  }`);
  expect(created).toMatchObject({ name: 'spiral', url: 'https://notes.example/spiral/', shelf: 'top' });

  const listed = await client.data(`{
    notebookRemotes { totalCount nodes { id name shelf } }
    remotes { nodes { __typename ... on NotebookRemote { name } } }
  }`);
  expect(listed).toEqual({
    notebookRemotes: { totalCount: 1, nodes: [{ id: created.id, name: 'spiral', shelf: 'top' }] },
    remotes: { nodes: [{ __typename: 'NotebookRemote', name: 'spiral' }] },
  });
  // Only the plugins named are loaded: the built-in ones are not.
  expect(await client.errorCode('{ fileRemotes { totalCount } }')).toBe('GRAPHQL_VALIDATION_FAILED');
  await client.close();
});

it('refuses, in one line, an installed package that exports no plugin definition', async () => {
  const refused = installedLarder('migrate', { LARDER_PLUGINS: 'semver' });
  expect(await refused.exited, refused.output.join('\n')).toBe(1);
  expect(refused.stderr).toEqual([
    'larder: plugin package "semver" does not default-export a plugin definition (definePlugin({ name, entities, resolvers, … }) from larder)',
  ]);
});

it('writes no new plugin or migration into the installed larder or plugin, and says where they are written', async () => {
  const plugin = installedLarder(['new-plugin', 'demo'], {});
  expect(await plugin.exited, plugin.output.join('\n')).toBe(2);
  expect(plugin.stderr.join('\n')).toContain('this larder is an installed package');
  expect(existsSync(join(project, 'node_modules', 'larder', 'plugins', 'demo'))).toBe(false);

  const migration = installedLarder(['migration:new', PLUGIN, 'more'], {});
  expect(await migration.exited, migration.output.join('\n')).toBe(2);
  expect(migration.stderr.join('\n')).toContain(`"${PLUGIN}" is installed, not sources: name the folder of the plugin's sources instead`);
  expect(existsSync(join(project, 'node_modules', 'larder', 'plugins', '@larder-fixtures'))).toBe(false);
});
