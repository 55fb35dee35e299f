import { FlushMode, MikroORM, type EntityClass, type MigrationObject, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
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
    pool: { min: 0, max: options.poolSize },
    forceUtcTimezone: true,
    // Writes happen only at an explicit flush: a query inside a check (or a failing task) must
    // never store a half-made object behind the caller's back.
    flushMode: FlushMode.COMMIT,
    allowGlobalContext: false,
    logger: (message) => options.logger?.debug(message),
  };
}

export async function openOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init(ormOptions(options));
}

/** Applies every pending migration of the core and the loaded plugins, in their listed order. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
