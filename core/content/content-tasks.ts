import { deleteVersionTask } from './delete-version-task.js';
import { modifyRepositoryTask } from './modify-task.js';
import { orphanCleanupTask } from './orphan-cleanup.js';
import { repairTask } from './repair.js';

/** The core's tasks on repository content, registered on every worker. */
export const contentTasks = [modifyRepositoryTask, deleteVersionTask, orphanCleanupTask, repairTask];
