import { emSql } from '../db/sql.js';
import type { TaskCleanup } from '../tasking/task-cleanup.js';
import { discardIncompleteVersions } from './version-discard.js';

/**
 * The core's cleanup: a repository version its task did not complete is rolled back at once
 * (rather than by the repository's next writer), so nobody meets it half-made meanwhile. The
 * task still holds the repository exclusively, so every incomplete version of it is this task's.
 */
export const removeIncompleteVersions: TaskCleanup = async ({ task, em }) => {
  const repositories = await emSql<{ repository_id: string }>(em,
    'select distinct repository_id from repository_version where task_id = ? and not complete', [task.id]);
  for (const { repository_id: repositoryId } of repositories) await discardIncompleteVersions(em, repositoryId);
};
