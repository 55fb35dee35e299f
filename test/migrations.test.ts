import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationObject } from '@mikro-orm/core';
import { afterEach, expect, it } from 'vitest';
import { coreMigrations } from '../core/db/migrations/index.js';
import { startEmbeddedPostgres } from '../core/db/embedded-postgres.js';
import { migrate, type Orm } from '../core/db/orm.js';
import { createLogger } from '../core/logger.js';
import { createTestDatabase } from './support/database.js';
import { FirstSetBasedTasking } from './support/first-core-0007.js';
import {
  allMigrations, appliedMigrations, databaseFunctions, migratingOrm,
} from './support/migrations.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function freshDatabase(): Promise<string> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  return database.url;
}

async function orm(url: string, migrations: MigrationObject[], poolSize?: number): Promise<Orm> {
  const opened = await migratingOrm(url, migrations, poolSize);
  cleanups.push(() => opened.close());
  return opened;
}

/** Starts several processes' migrations at once; each must succeed. */
async function migrateTogether(orms: Orm[]): Promise<string[][]> {
  return Promise.all(orms.map((o) => migrate(o)));
}

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
  cleanups.push(async () => rmSync(home, { recursive: true, force: true }));
  const embedded = await startEmbeddedPostgres(join(home, 'pgdata'), 5, createLogger('silent'));
  cleanups.push(() => embedded.stop());
  const everything = await allMigrations();
  const processes = [await orm(embedded.url, everything, 2), await orm(embedded.url, everything, 2)];

  const applied = await migrateTogether(processes);

  expect(applied.flat().sort()).toEqual(everything.map((m) => m.name).sort());
  expect(await appliedMigrations(embedded.url)).toEqual(everything.map((m) => m.name));
}, 60_000);
