import type { Orm } from './orm.js';

interface PgClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Runs one statement on a connection from the ORM's pool with native `$n` parameters
 * (arrays stay arrays). The tasking hot path uses it instead of the unit of work.
 */
export async function sql<Row>(orm: Orm, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = orm.em.getConnection().getKnex().client as {
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
