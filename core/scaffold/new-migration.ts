import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ConfigError } from '../config.js';
import { coreMigrations } from '../db/migrations/index.js';
import { migrate, openOrm } from '../db/orm.js';
import { schemaDrift } from '../db/schema-drift.js';
import type { LarderPlugin } from '../plugin/definition.js';
import { loadPlugins } from '../plugin/loader.js';
import { pluginNames } from './plugin-template.js';
import { pluginSourceFolder } from './source-folders.js';

const WHAT = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface WrittenMigration {
  /** `npm-0002-deprecations`, as the plugin lists it. */
  name: string;
  className: string;
  file: string;
  statements: string[];
}

/**
 * Runs `work` on a database of its own, made on the server of `serverUrl` and dropped after, so
 * that nothing the author keeps there is touched.
 */
async function withScratchDatabase<T>(serverUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `larder_scratch_${randomBytes(6).toString('hex')}`;
  const server = await openOrm({ databaseUrl: serverUrl, entities: [], migrations: [], poolSize: 1 });
  try {
    await server.em.getConnection().execute(`create database "${name}"`);
    try {
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return await work(url.toString());
    } finally {
      await server.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
    }
  } finally {
    await server.close(true);
  }
}

/** What the core's and the plugin's migrations lack for the entities, as MikroORM would add it. */
async function missingSchema(serverUrl: string, plugin: LarderPlugin): Promise<string[]> {
  return withScratchDatabase(serverUrl, async (databaseUrl) => {
    const orm = await openOrm({
      databaseUrl, entities: plugin.entities, poolSize: 2,
      migrations: [...coreMigrations, ...(plugin.migrations ?? [])],
    });
    try {
      await migrate(orm);
      return (await schemaDrift(orm, plugin.schemaDrift ?? [])).unexpected;
    } finally {
      await orm.close(true);
    }
  });
}

/** The number after the highest of the plugin's migrations, listed or lying in its folder. */
function nextNumber(plugin: LarderPlugin, dir: string): string {
  const listed = (plugin.migrations ?? []).map((m) => new RegExp(`^${plugin.name}-(\\d{4})-`).exec(m.name)?.[1]);
  const files = existsSync(dir) ? readdirSync(dir).map((f) => /^(\d{4})-.*\.ts$/.exec(f)?.[1]) : [];
  const highest = Math.max(0, ...[...listed, ...files].filter((n) => n !== undefined).map(Number));
  return String(highest + 1).padStart(4, '0');
}

/** SQL as the body of a template literal. */
function templateText(sql: string): string {
  return sql.replace(/[\\`]|\$\{/g, (s) => `\\${s}`);
}

/**
 * Writes the plugin's next migration into `dir`: what its entities need that the core's and its
 * own migrations do not make, found on a scratch database made on `serverUrl`'s server. Null
 * when nothing is missing.
 */
export async function writeMigration(serverUrl: string, plugin: LarderPlugin, what: string, dir: string): Promise<WrittenMigration | null> {
  if (!WHAT.test(what)) throw new ConfigError(`"${what}" must be lower-case words and digits joined by -, e.g. "deprecations"`);
  const statements = await missingSchema(serverUrl, plugin);
  if (statements.length === 0) return null;
  const number = nextNumber(plugin, dir);
  const { pascal } = pluginNames(plugin.name);
  const className = pascal + pluginNames(what.replaceAll('-', '_')).pascal;
  const file = join(dir, `${number}-${what}.ts`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `import { Migration } from '@mikro-orm/migrations';

/** The ${plugin.name} plugin's ${what.replaceAll('-', ' ')}. Written by \`npm run migration:new\` from its entities: say here why. */
export class ${className} extends Migration {
  override async up(): Promise<void> {
    this.addSql(\`
${templateText(statements.map((s) => `${s};`).join('\n'))}
\`);
  }
}
`, { flag: 'wx' });
  return { name: `${plugin.name}-${number}-${what}`, className, file, statements };
}

/** `larder migration:new <plugin> <what>`: writes the migration, and says what to do next. */
export async function migrationNew(serverUrl: string, pluginName: string, what: string): Promise<string> {
  let plugin: LarderPlugin;
  try {
    [plugin] = (await loadPlugins([pluginName])) as [LarderPlugin];
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const folder = pluginSourceFolder(pluginName);
  const written = await writeMigration(serverUrl, plugin, what, join(folder, 'migrations'));
  if (!written) return `the ${plugin.name} plugin's migrations make everything its entities need: nothing to write`;
  const path = relative(process.cwd(), written.file);
  return [
    `wrote ${path} (${written.name}):`,
    ...written.statements.map((s) => `  ${s};`),
    `next: review it and say why in its comment, import ${written.className} from './migrations/${basename(path, '.ts')}.js' in`,
    `${relative(process.cwd(), join(folder, 'index.ts'))} and add { name: '${written.name}', class: ${written.className} } to its migrations, then npm test`,
  ].join('\n');
}
