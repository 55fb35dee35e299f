import { emSql } from '../db/sql.js';
import type { TaskCleanup } from '../tasking/task-cleanup.js';
import { discardVersion } from './version-discard.js';

/**
 * The core's cleanup: a repository version its task did not complete is rolled back at once
 * (rather than by the repository's next writer), so nobody meets it half-made meanwhile. Only
 * the task's own versions are touched; the task still holds its reservations, and its run is
 * fenced, so nothing adds to them meanwhile.
 */
export const removeIncompleteVersions: TaskCleanup = async ({ task, em }) => {
  const versions = await emSql<{ id: string }>(em, 'select id from repository_version where task_id = ? and not complete', [task.id]);
  for (const { id } of versions) await discardVersion(em, id);
};
