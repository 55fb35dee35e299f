import type { EntityManager, Knex } from '@mikro-orm/postgresql';

interface PgClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The ORM, or a context that carries an entity manager (a task's, a resolver's). */
export interface WithEntityManager {
  em: Pick<EntityManager, 'getConnection'>;
}

/**
 * Runs one statement on a connection from the ORM's pool with native `$n` parameters
 * (arrays stay arrays). The tasking hot path uses it instead of the unit of work.
 */
export async function sql<Row>(db: WithEntityManager, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = db.em.getConnection().getKnex().client as {
    acquireConnection(): Promise<PgClient>;
    releaseConnection(connection: PgClient): Promise<void>;
  };
  const connection = await client.acquireConnection();
  try {
    const result = await connection.query(text, values);
    return result.rows as Row[];
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * Runs one statement through an entity manager, inside its transaction when it has one, with
 * `?` placeholders whose values the driver sends as they are (an array stays a PostgreSQL array).
 */
export async function emSql<Row>(em: EntityManager, text: string, values: readonly unknown[] = []): Promise<Row[]> {
  const query = em.getKnex().raw(text, values as Knex.RawBinding[]);
  const transaction = em.getTransactionContext<Knex.Transaction>();
  if (transaction) query.transacting(transaction);
  const result = (await query) as { rows: Row[] };
  return result.rows;
}

/** A value that a LIKE pattern matches literally (`%`, `_` and `\` escaped). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
