import pg from 'pg';
import { expect, it } from 'vitest';
import { migrate } from '../core/db/orm.js';
import { describeDrift, schemaDrift } from '../core/db/schema-drift.js';
import { loadPlugins } from '../core/plugin/loader.js';
import { afterEachTest } from './support/after-each-test.js';
import { allMigrations, migratingOrm } from './support/migrations.js';

const { later, freshDatabase } = afterEachTest();

/** A fresh database migrated with the core's and every plugin's migrations, and an ORM with every plugin's entities. */
async function migratedDatabase() {
  const url = await freshDatabase();
  const orm = await migratingOrm(url, await allMigrations(), 2);
  later(() => orm.close(true));
  await migrate(orm);
  return { url, orm };
}

async function execute(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

it('the migrations of the core and of every plugin make everything the entities need', async () => {
  const { orm } = await migratedDatabase();

  const drift = await schemaDrift(orm, (await loadPlugins()).flatMap((p) => p.schemaDrift ?? []));

  expect(drift.unexpected, describeDrift(drift.unexpected)).toEqual([]);
  expect(drift.unseen, 'these expected differences no longer occur: take them out of core/db/schema-drift.ts or the plugin\'s schemaDrift').toEqual([]);
});

it('expects a plugin\'s declared differences from that plugin alone', async () => {
  const { orm } = await migratedDatabase();
  const plugins = await loadPlugins();
  const npm = plugins.find((p) => p.name === 'npm')!;

  const drift = await schemaDrift(orm, plugins.filter((p) => p !== npm).flatMap((p) => p.schemaDrift ?? []));

  expect([...drift.unexpected].sort()).toEqual(npm.schemaDrift!.flatMap((d) => d.statements).sort());
  expect(drift.unexpected).toContain('drop index "content_npm_package_unique"');
});

it('a plugin column that no migration adds is reported as exactly that column, with how to fix it', async () => {
  const { url, orm } = await migratedDatabase();
  await execute(url, 'alter table "remote" drop column "npm_packages"');

  const drift = await schemaDrift(orm, (await loadPlugins()).flatMap((p) => p.schemaDrift ?? []));

  expect(drift.unexpected).toEqual(['alter table "remote" add column "npm_packages" jsonb null']);
  expect(describeDrift(drift.unexpected)).toContain('npm run migration:new -- <plugin> <what>');
});
