import { ProgressReport, Task, TaskError } from '../db/entities/task.js';
import type { TaskState } from '../db/entities/task-state.js';

/** A task row as PostgreSQL returns it (snake_case), or as it travels through Redis (JSON). */
export interface TaskRow {
  id: string;
  seq: string | number;
  name: string;
  state: TaskState;
  args: Record<string, unknown>;
  exclusive_resources: string[];
  shared_resources: string[];
  progress_reports: ProgressReport[];
  created_resources: string[];
  error: TaskError | null;
  worker: string | null;
  parent_task_id: string | null;
  task_group_id: string | null;
  user_id: string | null;
  permission: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

function date(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}

/** Builds a Task (the GraphQL type) from a row without an entity manager. */
export function taskFromRow(row: TaskRow): Task {
  const task = Object.create(Task.prototype) as Task;
  Object.assign(task, {
    id: row.id,
    seq: Number(row.seq),
    name: row.name,
    state: row.state,
    args: row.args,
    exclusiveResources: row.exclusive_resources,
    sharedResources: row.shared_resources,
    progressReports: row.progress_reports,
    createdResources: row.created_resources,
    error: row.error,
    worker: row.worker,
    parentTaskId: row.parent_task_id,
    taskGroupId: row.task_group_id,
    userId: row.user_id,
    permission: row.permission,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
  });
  return task;
}
