import { createHash } from 'node:crypto';
import { Configuration, type MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import pg from 'pg';
import { coreMigrations } from '../../core/db/migrations/index.js';
import { openOrm, ormOptions, type Orm } from '../../core/db/orm.js';
import { loadPlugins } from '../../core/plugin/loader.js';

/** Every migration a Larder with all plugins runs, in the order it runs them (as core/app.ts lists them). */
export async function allMigrations(): Promise<MigrationObject[]> {
  const plugins = await loadPlugins();
  return [...coreMigrations, ...plugins.flatMap((p) => p.migrations ?? [])];
}

/** An ORM of its own (its own pool) that migrates with these migrations; the caller closes it. */
export async function migratingOrm(databaseUrl: string, migrations: MigrationObject[], poolSize = 4): Promise<Orm> {
  const plugins = await loadPlugins();
  return openOrm({ databaseUrl, entities: plugins.flatMap((p) => p.entities), migrations, poolSize });
}

/**
 * The SQL a migration executes, hashed: what a released migration must never change. The
 * migration only collects its statements here, so the driver it is given never connects.
 */
export async function migrationSqlHash(migration: MigrationObject): Promise<string> {
  const config = new Configuration(ormOptions({
    databaseUrl: 'postgres://unused@127.0.0.1:1/unused', entities: [], migrations: [], poolSize: 1,
  }));
  const instance = new migration.class(config.getDriver(), config);
  if (!(instance instanceof Migration)) throw new Error(`migration ${migration.name} does not extend Migration`);
  await instance.up();
  const queries = instance.getQueries().map((query) => (typeof query === 'string' ? query : query.toString()));
  return createHash('sha256').update(JSON.stringify(queries)).digest('hex');
}

async function query<Row>(url: string, text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** The names in the migrations table, in the order they were applied (repeats included). */
export function appliedMigrations(url: string): Promise<string[]> {
  return query<{ name: string }>(url, 'select name from larder_migrations order by id').then((rows) => rows.map((r) => r.name));
}

export interface DatabaseFunction {
  signature: string;
  language: string;
  source: string;
  settings: string[] | null;
}

/** Every function of the database's public schema, as PostgreSQL holds it. */
export function databaseFunctions(url: string): Promise<DatabaseFunction[]> {
  return query<DatabaseFunction>(url, `
    select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as signature,
           l.lanname as language, p.prosrc as source, p.proconfig as settings
    from pg_proc p join pg_language l on l.oid = p.prolang
    where p.pronamespace = 'public'::regnamespace
    order by 1`);
}
