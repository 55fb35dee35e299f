import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationObject } from '@mikro-orm/core';
import { expect, it } from 'vitest';
import { coreMigrations } from '../core/db/migrations/index.js';
import { startEmbeddedPostgres } from '../core/db/embedded-postgres.js';
import { migrate, type Orm } from '../core/db/orm.js';
import { createLogger } from '../core/logger.js';
import { afterEachTest } from './support/after-each-test.js';
import { FirstSetBasedTasking } from './support/first-core-0007.js';
import {
  allMigrations, appliedMigrations, databaseFunctions, migratingOrm, migrationSqlHash,
} from './support/migrations.js';

/**
 * Every migration on main is released: some database has applied it and will never apply it
 * again, so a change to it reaches only fresh databases. Its SQL is pinned here; a change goes
 * in a new migration, which gets a new line.
 */
const RELEASED: Record<string, string> = {
  'core-0001-tables': '44fc598446acc2e9248958a1b4486a7726197d6d0dd6910ad501229e249c077a',
  'core-0002-tasking': 'af50973d375c1c3ba4802d86183fdbcb46051dc19bc2c61c632f4657468f7941',
  'core-0003-task-reliability': '6cfc129ae1c9dd58af22a70c7a5d005c317e4b3a402db2728649a26abdaa54ce',
  'core-0004-content-lifecycle': 'd00581920e5eac3761c5fbbba876df89ddfb5483a0e0387b5e3b11a039af47d8',
  'core-0005-incomplete-version-index': 'f135ad8d3dcc3eed2304f6b0174f45c321a5ec4515d2ed2d8b5d03e3c5785df5',
  'core-0006-start-by-key': '10d346ca55daf4eefe7dd2b3f84f85d5fc0f6af5e2efde67877c5652b998f173',
  'core-0007-set-based-tasking': 'bf0f2687eefe91adf5abf635753c93c1822c0a6d135cc0fd6246fc36db984ec0',
  'core-0008-set-based-tasking-catch-up': '94d2874fa429d3c8fe75c20933aefa71f71e64a8d4a433586b37e571190f2d85',
  'core-0009-write-fencing': 'ddd95cbad13f500d1e20125354c666521482cb4ba940d87fd482cbf4363f4367',
  'core-0010-identity': '6473f7d26d81fa8ced8e66448a6aef8707e70f88136a32ccf44cbd70c33e571b',
  'core-0011-content-guards': 'b822ae7421afe833bc17d85c32b3996ac7311f37067225da14f749a6531c1e8a',
  'core-0012-artifact-holders': '8020d1e3fd8535db3c7509e2117c99d5993f75dbf2645fa678241f30014232fa',
  'core-0013-token-lookup': 'dd9b16048f738acac159c8839302760368f10fa0b8ef1624c95388fb91a782fc',
  'core-0014-group-member-index': '05f4a5b441e61888cd083809ec028c4218aa8bc3c61c4a8db6fa96c9c91f1936',
  'file-0001-columns': 'eb8d7ce28fa3a7151201fffa88f41fbbdc9568d74094b5ee5e01e527136d4ec8',
  'npm-0001-columns': '3a6dd07297c87163d2b54fc96a9130509f4feb9912be6809b56704cc584618fd',
};

const { later, freshDatabase } = afterEachTest();

async function orm(url: string, migrations: MigrationObject[], poolSize?: number): Promise<Orm> {
  const opened = await migratingOrm(url, migrations, poolSize);
  later(() => opened.close());
  return opened;
}

/** Starts several processes' migrations at once; each must succeed. */
async function migrateTogether(orms: Orm[]): Promise<string[][]> {
  return Promise.all(orms.map((o) => migrate(o)));
}

it('every released migration still executes the SQL it was released with', async () => {
  const migrations = await allMigrations();
  for (const migration of migrations) {
    const hash = await migrationSqlHash(migration);
    const released = RELEASED[migration.name];
    expect(released, `migration ${migration.name} is new: pin it in RELEASED as '${migration.name}': '${hash}'`).toBeDefined();
    expect(hash, `migration ${migration.name} changed after release: add a new migration instead`).toBe(released);
  }
  const listed = new Set(migrations.map((m) => m.name));
  for (const name of Object.keys(RELEASED)) {
    expect(listed.has(name), `migration ${name} was released and is gone: databases have applied it, keep it listed`).toBe(true);
  }
});

it('three processes (each its own pool) starting at once on a fresh database migrate it once', async () => {
  const url = await freshDatabase();
  const everything = (await allMigrations()).map((m) => m.name);
  const processes = await Promise.all([1, 2, 3].map(() => allMigrations().then((list) => orm(url, list))));

  const applied = await migrateTogether(processes);

  expect(applied.flat().sort()).toEqual([...everything].sort());
  expect(applied.filter((names) => names.length > 0)).toHaveLength(1);
  expect(await appliedMigrations(url)).toEqual(everything);
  expect(await processes[0].getMigrator().getPendingMigrations()).toEqual([]);
});

it('processes starting at once on a database an older release migrated apply the new migrations once', async () => {
  const url = await freshDatabase();
  const everything = await allMigrations();
  const older = coreMigrations.slice(0, 6);
  await migrate(await orm(url, older));
  const processes = await Promise.all([1, 2, 3].map(() => orm(url, everything)));

  const applied = await migrateTogether(processes);

  expect(applied.flat().sort()).toEqual(everything.slice(6).map((m) => m.name).sort());
  expect(await appliedMigrations(url)).toEqual(everything.map((m) => m.name));
});

it('a database that applied the first text of core-0007 ends with the functions of a fresh one', async () => {
  const everything = await allMigrations();
  const fresh = await freshDatabase();
  await migrate(await orm(fresh, everything));

  // What main listed when core-0007 first landed, with that text.
  const upgraded = await freshDatabase();
  const at0007 = coreMigrations.findIndex((m) => m.name === 'core-0007-set-based-tasking');
  await migrate(await orm(upgraded, [
    ...coreMigrations.slice(0, at0007),
    { name: 'core-0007-set-based-tasking', class: FirstSetBasedTasking },
    ...everything.filter((m) => !coreMigrations.includes(m)),
  ]));
  const before = await databaseFunctions(upgraded);
  expect(before.find((f) => f.signature.startsWith('larder_wake('))?.language).toBe('sql');
  expect(before.some((f) => f.signature.startsWith('larder_conflicts('))).toBe(true);

  const applied = await migrate(await orm(upgraded, everything));

  const after = await databaseFunctions(upgraded);
  expect(after.find((f) => f.signature.startsWith('larder_wake('))?.language).toBe('plpgsql');
  expect(after.find((f) => f.signature.startsWith('larder_unblocked('))?.language).toBe('plpgsql');
  expect(after).toEqual(await databaseFunctions(fresh));
  expect(applied).toContain('core-0008-set-based-tasking-catch-up');
});

it('on the embedded PostgreSQL (one session for every connection) two processes migrate it once', async () => {
  const home = mkdtempSync(join(tmpdir(), 'larder-migrations-'));
  later(async () => rmSync(home, { recursive: true, force: true }));
  const embedded = await startEmbeddedPostgres(join(home, 'pgdata'), 5, createLogger('silent'));
  later(() => embedded.stop());
  const everything = await allMigrations();
  const processes = [await orm(embedded.url, everything, 2), await orm(embedded.url, everything, 2)];

  const applied = await migrateTogether(processes);

  expect(applied.flat().sort()).toEqual(everything.map((m) => m.name).sort());
  expect(await appliedMigrations(embedded.url)).toEqual(everything.map((m) => m.name));
}, 60_000);
