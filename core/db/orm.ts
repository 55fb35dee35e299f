import { FlushMode, MikroORM, type EntityClass, type MigrationObject, type Options } from '@mikro-orm/core';
import { Migration, MigrationRunner, MigrationStorage, Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { fenceConnection } from './write-fence.js';
import { describeCause, StartupError, urlTarget } from '../startup-error.js';
import { coreEntities } from './entities/index.js';

export type Orm = MikroORM<PostgreSqlDriver>;

export interface OrmOptions {
  databaseUrl: string;
  entities: EntityClass<unknown>[];
  migrations: MigrationObject[];
  poolSize: number;
  logger?: Logger;
}

export function ormOptions(options: OrmOptions): Options<PostgreSqlDriver> {
  return {
    driver: PostgreSqlDriver,
    clientUrl: options.databaseUrl,
    entities: [...coreEntities, ...options.entities],
    discovery: { requireEntitiesArray: true, disableDynamicFileAccess: true, warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: {
      tableName: 'larder_migrations',
      migrationsList: options.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // Statements of a task run carry its write fence (see write-fence.ts), whichever way they come.
    pool: { min: 0, max: options.poolSize, afterCreate: (connection: Parameters<typeof fenceConnection>[0], done: (error: Error | null) => void) => {
      fenceConnection(connection);
      done(null);
    } },
    forceUtcTimezone: true,
    // Writes happen only at an explicit flush: a query inside a check (or a failing task) must
    // never store a half-made object behind the caller's back.
    flushMode: FlushMode.COMMIT,
    allowGlobalContext: false,
    logger: (message) => options.logger?.debug(message),
  };
}

/**
 * Sets the ORM up, then connects: a database it cannot reach is a StartupError naming it, in one
 * line (the driver's error runs to a page), while a fault in the entities keeps its stack.
 */
export async function openOrm(options: OrmOptions): Promise<Orm> {
  const orm = await MikroORM.init({ ...ormOptions(options), connect: false });
  try {
    await orm.connect();
  } catch (error) {
    await orm.close(true);
    throw new StartupError(
      `cannot connect to PostgreSQL at ${urlTarget(options.databaseUrl)} (${describeCause(error)}): start it, or correct DATABASE_URL`,
    );
  }
  return orm;
}

/**
 * The advisory lock that processes migrating one database take turns on. Its two int4 keys keep
 * it apart from the one-bigint locks (resources, artifacts); its first key is positive, which a
 * lock keyed by a uuid's tail never is (that tail starts with the variant bits 10).
 */
const MIGRATION_LOCK = [0x4c617264, 0x6d696772] as const; // 'Lard', 'migr'

/**
 * Applies every pending migration of the core and the loaded plugins, in their listed order, in
 * one transaction: all of them or none.
 *
 * Every process migrates when it starts, so processes starting together take turns: the
 * transaction first takes the migration lock and only then reads which migrations are applied,
 * so a later process sees what an earlier one applied and applies nothing again (and starts
 * only once the schema is complete). The lock is a transaction's, never a session's: on PGlite
 * every connection is one backend session, where a session lock would be everyone's at once.
 *
 * MikroORM's Migrator.up() cannot run this way: before it opens (or joins) a transaction it
 * makes its table when it finds none, so two processes on a fresh database both make it, and
 * its look for the table goes through another pooled connection, which on PGlite waits for an
 * open transaction to end, one that would be waiting for it. So this drives the Migrator's own
 * parts, its storage (the table of applied migrations) and its runner (one migration, in a
 * savepoint), inside the locked transaction.
 */
export async function migrate(orm: Orm): Promise<string[]> {
  const connection = orm.em.getConnection();
  const driver = orm.em.getDriver();
  const options = orm.config.get('migrations');
  const storage = new MigrationStorage(driver, options);
  const runner = new MigrationRunner(driver, options, orm.config);
  const { tableName, schemaName } = storage.getTableName();
  const migrations = (options.migrationsList ?? []).map((m) =>
    typeof m === 'function' ? { name: m.name, class: m } : m);

  return connection.transactional(async (trx) => {
    await connection.execute('select pg_advisory_xact_lock(?, ?)', [...MIGRATION_LOCK], 'run', trx);
    // The table the Migrator makes, so that `larder_migrations` stays readable by it.
    await connection.execute(
      `create table if not exists "${schemaName}"."${tableName}"
         ("id" serial primary key, "name" varchar(255), "executed_at" timestamptz default current_timestamp)`,
      [], 'run', trx);
    storage.setMasterMigration(trx);
    runner.setMasterMigration(trx);
    const executed = new Set(await storage.executed());
    const applied: string[] = [];
    for (const migration of migrations.filter((m) => !executed.has(m.name))) {
      const instance = new migration.class(driver, orm.config);
      if (!(instance instanceof Migration)) throw new Error(`migration ${migration.name} does not extend Migration of @mikro-orm/migrations`);
      await runner.run(instance, 'up');
      await storage.logMigration({ name: migration.name, context: undefined });
      applied.push(migration.name);
    }
    return applied;
  });
}
