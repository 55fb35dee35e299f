import pg from 'pg';

/**
 * The SQL statements this process sends to PostgreSQL while some work runs, whoever sends them
 * (the ORM's pool, the tasking SQL, a benchmark's own queries): every one goes through
 * `pg.Client#query`. Installed before a Larder starts in this process, it sees the Larder's
 * connections too (the write fence binds `query` when a connection is made). With one request at
 * a time and nothing else in flight, what it sees is what that request cost.
 */
export interface StatementCounter {
  /** The texts of the statements sent while `work` ran, oldest first. */
  during<T>(work: () => Promise<T>): Promise<{ value: T; statements: string[] }>;
}

export function countStatements(): StatementCounter {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = prototype.query;
  let seen: string[] | null = null;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as { text?: unknown } | string | undefined;
    seen?.push(typeof first === 'string' ? first : String(first?.text ?? '(submittable)'));
    return query.apply(this, args);
  };
  return {
    async during(work) {
      if (seen) throw new Error('statements are counted around one piece of work at a time');
      seen = [];
      try {
        const value = await work();
        return { value, statements: seen };
      } finally {
        seen = null;
      }
    },
  };
}
