import type { TaskCleanup } from '../tasking/task-cleanup.js';

/**
 * The core's cleanup: a repository version its task did not complete is removed, with the
 * content changes it recorded (content it added goes, content it removed comes back), so the
 * next task on the repository finds it as it was. Its number is not reused (as in Pulp).
 */
export const removeIncompleteVersions: TaskCleanup = async ({ task, em }) => {
  await em.getConnection().execute(
    `with doomed as (
       delete from repository_version where task_id = ? and not complete returning repository_id, number),
     added as (
       delete from repository_content rc using doomed d
       where rc.repository_id = d.repository_id and rc.version_added = d.number)
     update repository_content rc set version_removed = null from doomed d
     where rc.repository_id = d.repository_id and rc.version_removed = d.number`,
    [task.id],
  );
};
