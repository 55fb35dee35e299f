import type { EntityManager } from '@mikro-orm/postgresql';
import type { Repository } from '../db/entities/repository.js';
import { emSql } from '../db/sql.js';
import { deleteVersions, servedVersionIds } from './version-delete.js';

/**
 * Keeps the `retainRepoVersions` newest complete versions of a repository; older ones go, except
 * any that a distribution serves.
 */
export async function pruneVersions(em: EntityManager, repository: Repository): Promise<string[]> {
  if (!repository.retainRepoVersions) return [];
  const old = await emSql<{ id: string }>(em, `select id from repository_version where repository_id = ? and complete
    order by number desc offset ?`, [repository.id, repository.retainRepoVersions]);
  const served = await servedVersionIds(em, repository.id);
  const doomed = old.map((v) => v.id).filter((id) => !served.has(id));
  await deleteVersions(em, repository.id, doomed);
  return doomed;
}
