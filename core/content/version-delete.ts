import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';

/**
 * Deletes complete versions of one repository (their publications go with them) and then the
 * membership rows that no remaining version needs: a range with no version left inside it.
 */
export async function deleteVersions(em: EntityManager, repositoryId: string, versionIds: readonly string[]): Promise<void> {
  if (versionIds.length === 0) return;
  await em.transactional(async (tx) => {
    await emSql(tx, 'delete from repository_version where repository_id = ? and id = any(?::uuid[])', [repositoryId, [...versionIds]]);
    await emSql(tx, `delete from repository_content rc where rc.repository_id = ? and not exists (
        select 1 from repository_version v where v.repository_id = rc.repository_id
          and v.number >= rc.version_added and (rc.version_removed is null or v.number < rc.version_removed))`, [repositoryId]);
  });
}

/** Ids of the versions a distribution serves through a publication: deleting them would break a URL. */
export async function servedVersionIds(em: EntityManager, repositoryId: string): Promise<Set<string>> {
  const rows = await emSql<{ id: string }>(em, `select distinct p.repository_version_id as id from distribution d
      join publication p on p.id = d.publication_id
      join repository_version v on v.id = p.repository_version_id
    where v.repository_id = ?`, [repositoryId]);
  return new Set(rows.map((r) => r.id));
}
