import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';
import { withWriteFenceHeld } from '../db/write-fence.js';

/**
 * Runs `work` in a transaction that holds a lock on each of these sha256s (in one global order, so
 * two holders never deadlock). Whoever stores an artifact and whoever deletes one takes them, so a
 * file and its row always come and go together. Inside a task run the transaction also holds the
 * run's write fence: files are moved into or out of the store only while the run still holds its
 * reservations.
 */
export async function withArtifactLocks<T>(em: EntityManager, sha256s: readonly string[], work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return em.transactional(async (tx) => {
    await emSql(tx, `select larder_fence_hold(), (select count(pg_advisory_xact_lock(k)) from (
      select distinct hashtextextended('artifact:' || s, 0) as k from unnest(?::text[]) s order by 1) keys)`, [[...sha256s]]);
    return withWriteFenceHeld(() => work(tx));
  });
}
