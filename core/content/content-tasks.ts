import { deleteVersionTask } from './delete-version-task.js';
import { modifyRepositoryTask } from './modify-task.js';

/** The core's tasks on repository content, registered on every worker. */
export const contentTasks = [modifyRepositoryTask, deleteVersionTask];
