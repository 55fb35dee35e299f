import type { EntityManager } from '@mikro-orm/postgresql';

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
