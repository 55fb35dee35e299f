import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';

/**
 * Rolls back a repository's incomplete versions: the work of a writer that failed or died. Each
 * is the repository's highest number, so its rows are exactly those that start or end at it.
 */
export async function discardIncompleteVersions(em: EntityManager, repositoryId: string): Promise<number> {
  const incomplete = await emSql<{ id: string; number: number }>(em,
    'select id, number from repository_version where repository_id = ? and not complete', [repositoryId]);
  for (const version of incomplete) {
    await em.transactional(async (tx) => {
      await emSql(tx, 'delete from repository_content where repository_id = ? and version_added = ?', [repositoryId, version.number]);
      await emSql(tx, 'update repository_content set version_removed = null where repository_id = ? and version_removed = ?',
        [repositoryId, version.number]);
      await emSql(tx, 'delete from repository_version where id = ?', [version.id]);
    });
  }
  return incomplete.length;
}
