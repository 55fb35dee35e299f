import type BeeQueue from 'bee-queue';
import type { Task } from '../db/entities/task.js';
import { TaskState } from '../db/entities/task-state.js';
import { uuid7 } from '../db/uuid7.js';
import type { TaskEventBus } from './task-events.js';
import { enqueueTasks, type TaskJob } from './task-queue.js';
import type { TaskRegistry } from './task-registry.js';
import { taskFromRow, type TaskRow } from './task-row.js';
import type { TaskStore } from './task-store.js';

export interface DispatchOptions {
  /** Resources only this task may hold while it runs. */
  exclusiveResources?: string[];
  /** Resources this task shares with other shared holders. */
  sharedResources?: string[];
  taskGroupId?: string | null;
  parentTaskId?: string | null;
}

/**
 * Writes the WAITING row (PostgreSQL first, always), tells subscribers, and queues the task
 * only when nothing blocks it; a blocked task is queued by whatever releases its resources.
 */
export class TaskDispatcher {
  constructor(
    private readonly store: TaskStore,
    private readonly queue: BeeQueue<TaskJob>,
    private readonly bus: TaskEventBus,
    private readonly registry: TaskRegistry,
  ) {}

  async dispatch(name: string, args: Record<string, unknown>, options: DispatchOptions = {}): Promise<Task> {
    if (!this.registry.has(name)) throw new Error(`no task named "${name}" is registered`);
    const exclusive = [...new Set(options.exclusiveResources ?? [])];
    const shared = [...new Set(options.sharedResources ?? [])].filter((r) => !exclusive.includes(r));
    const now = new Date();
    const id = uuid7(now.getTime());
    const runnable = await this.store.insert({
      id, name, args, exclusiveResources: exclusive, sharedResources: shared,
      parentTaskId: options.parentTaskId ?? null, taskGroupId: options.taskGroupId ?? null, createdAt: now,
    });
    const row: TaskRow = {
      id, seq: 0, name, state: TaskState.WAITING, args, exclusive_resources: exclusive, shared_resources: shared,
      progress_reports: [], created_resources: [], error: null, worker: null,
      parent_task_id: options.parentTaskId ?? null, task_group_id: options.taskGroupId ?? null,
      created_at: now, updated_at: now, started_at: null, finished_at: null,
    };
    await Promise.all([this.bus.publish(row), runnable ? enqueueTasks(this.queue, [id]) : undefined]);
    return taskFromRow(row);
  }
}
