import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';
import { TaskFailure } from '../tasking/task-definition.js';

/**
 * Rolls back one incomplete version: the work of a writer that failed, was stopped or died. It
 * is its repository's highest number, so its rows are exactly those that start or end at it.
 * Whoever removes the version row does the rest, in the same transaction, so a version is rolled
 * back once, and a number reused by a later version is never touched on this one's behalf.
 * Returns whether there was such a version.
 */
export async function discardVersion(em: EntityManager, versionId: string): Promise<boolean> {
  return em.transactional(async (tx) => {
    const [gone] = await emSql<{ repository_id: string; number: number }>(tx,
      'delete from repository_version where id = ? and not complete returning repository_id, number', [versionId]);
    if (!gone) return false;
    await emSql(tx, 'delete from repository_content where repository_id = ? and version_added = ?', [gone.repository_id, gone.number]);
    await emSql(tx, 'update repository_content set version_removed = null where repository_id = ? and version_removed = ?',
      [gone.repository_id, gone.number]);
    return true;
  });
}

/**
 * Before a writer opens a new version: rolls back what writers that are gone left (a cleanup
 * that failed), and any leftover of the writer's own task. A version another live task run is
 * still writing is never touched: under the repository's exclusive reservation there cannot be
 * one, and if a plugin's reservations are wrong the new writer fails rather than destroy another's
 * work.
 */
export async function discardAbandonedVersions(em: EntityManager, repositoryId: string, taskId: string | null): Promise<void> {
  const incomplete = await emSql<{ id: string; number: number; live: boolean }>(em, `
    select v.id, v.number, exists (select 1 from task t where t.id = v.task_id and t.id is distinct from ?
                                   and t.state in ('RUNNING', 'CANCELING') and t.fenced_at is null) as live
    from repository_version v where v.repository_id = ? and not v.complete`, [taskId, repositoryId]);
  const live = incomplete.find((version) => version.live);
  if (live) throw new TaskFailure(`Version ${live.number} of this repository is being written by another task`, 'CONFLICT');
  for (const version of incomplete) await discardVersion(em, version.id);
}
