import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Entity, Property, type MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import pg from 'pg';
import { expect, it } from 'vitest';
import { coreMigrations } from '../core/db/migrations/index.js';
import { migrate, openOrm } from '../core/db/orm.js';
import { schemaDrift } from '../core/db/schema-drift.js';
import { projectRoot } from '../core/paths.js';
import { definePlugin, Repository } from '../core/plugin-api.js';
import { writeMigration } from '../core/scaffold/new-migration.js';
import { afterEachTest } from './support/after-each-test.js';

/** A plugin whose entity has a column its migration forgot: `drift_shelf`. */
class DriftRepository extends Repository {
  colour?: string | null;
  shelf?: number | null;
}
// The decorators applied by hand: tests are compiled without the project's decorator settings.
Property({ type: 'text', nullable: true, fieldName: 'drift_colour' })(DriftRepository.prototype, 'colour');
Property({ type: 'int', nullable: true, fieldName: 'drift_shelf' })(DriftRepository.prototype, 'shelf');
Entity({ discriminatorValue: 'drift.drift' })(DriftRepository);

class DriftColumns extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "repository" add column "drift_colour" text null;');
  }
}

const driftPlugin = definePlugin({
  name: 'drift', entities: [DriftRepository], resolvers: [],
  migrations: [{ name: 'drift-0001-columns', class: DriftColumns }],
});

const { later, freshDatabase } = afterEachTest();

async function rows(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

const scratchDatabases = (url: string) =>
  rows(url, "select datname from pg_database where datname like 'larder_scratch_%' order by 1");

/** A plugin folder outside the tree whose migrations import @mikro-orm/migrations as the plugin's would. */
function migrationsFolder(): string {
  const home = mkdtempSync(join(tmpdir(), 'larder-migration-new-'));
  later(async () => rmSync(home, { recursive: true, force: true }));
  symlinkSync(join(projectRoot, 'node_modules'), join(home, 'node_modules'));
  return join(home, 'drift', 'migrations');
}

it('writes the next migration of a plugin that lacks a column, which applied leaves nothing to add', async () => {
  const authorsDatabase = await freshDatabase();
  const dir = migrationsFolder();
  const scratchBefore = await scratchDatabases(authorsDatabase);

  const written = await writeMigration(authorsDatabase, driftPlugin, 'shelf', dir);

  expect(written).toMatchObject({
    name: 'drift-0002-shelf', className: 'DriftShelf',
    statements: ['alter table "repository" add column "drift_shelf" int null'],
  });
  expect(basename(written!.file)).toBe('0002-shelf.ts');
  expect(readFileSync(written!.file, 'utf8')).toContain('export class DriftShelf extends Migration');
  // The migration was worked out on a scratch database, gone now; the author's own is untouched.
  expect(await scratchDatabases(authorsDatabase)).toEqual(scratchBefore);
  expect(await rows(authorsDatabase, "select 1 from pg_tables where schemaname = 'public'")).toEqual([]);

  const { DriftShelf } = (await import(pathToFileURL(written!.file).href)) as { DriftShelf: MigrationObject['class'] };
  const completed = definePlugin({ ...driftPlugin, migrations: [...driftPlugin.migrations!, { name: written!.name, class: DriftShelf }] });
  const orm = await openOrm({
    databaseUrl: await freshDatabase(), entities: completed.entities, poolSize: 2,
    migrations: [...coreMigrations, ...completed.migrations!],
  });
  later(() => orm.close(true));
  await migrate(orm);
  expect((await schemaDrift(orm, [])).unexpected).toEqual([]);
  expect(await writeMigration(authorsDatabase, completed, 'again', dir)).toBeNull();
});
