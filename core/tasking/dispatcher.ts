import { currentActor } from '../access/acting-user.js';
import type { Task } from '../db/entities/task.js';
import { TaskState } from '../db/entities/task-state.js';
import { uuid7 } from '../db/uuid7.js';
import { ConflictFailure, NotFoundFailure } from '../expected-failure.js';
import type { Logger } from '../logger.js';
import type { TaskEventBus } from './task-events.js';
import type { TaskQueue } from './task-queue.js';
import type { TaskRegistry } from './task-registry.js';
import { MicroBatch } from './micro-batch.js';
import { taskFromRow, type TaskRow } from './task-row.js';
import type { NewTask, TaskStore } from './task-store.js';
import { waitAtMost } from './wait-at-most.js';

export interface DispatchOptions {
  /** Resources only this task may hold while it runs. */
  exclusiveResources?: string[];
  /** Resources this task shares with other shared holders. */
  sharedResources?: string[];
  /** A group that still accepts tasks (see createTaskGroup); a child task inherits its parent's. */
  taskGroupId?: string | null;
  parentTaskId?: string | null;
}

export interface DispatchRequest {
  name: string;
  args: Record<string, unknown>;
  options?: DispatchOptions;
}

/**
 * How long a dispatch waits for Redis to take the wake-up. The task is safe in PostgreSQL by
 * then; if Redis is away the wake-up is still retried (and a sweep would find the task anyway),
 * so the caller gets its WAITING task rather than a hanging request.
 */
const HANDOFF_WAIT_MS = 2_000;

/**
 * Writes the WAITING row (PostgreSQL first, always), tells subscribers, and queues the task
 * only when nothing blocks it; a blocked task is queued by whatever releases its resources.
 */
export class TaskDispatcher {
  /** Dispatches made at the same time (concurrent API requests) share one transaction. */
  private readonly inserts: MicroBatch<NewTask, Task>;

  constructor(
    private readonly store: TaskStore,
    private readonly queue: TaskQueue,
    private readonly bus: TaskEventBus,
    private readonly registry: TaskRegistry,
    private readonly log: Logger,
  ) {
    this.inserts = new MicroBatch((tasks) => this.insert(tasks));
  }

  /**
   * `fence` is the write fence token of the task run dispatching this one as its child: the
   * dispatch is refused (FENCED) once that run has lost its reservations.
   */
  dispatch(name: string, args: Record<string, unknown>, options: DispatchOptions = {}, fence: string | null = null): Promise<Task> {
    return this.inserts.call(this.newTask({ name, args, options }, fence));
  }

  /** Dispatches many tasks in one transaction, in the order given. */
  dispatchMany(requests: DispatchRequest[]): Promise<Task[]> {
    return this.insert(requests.map((request) => this.newTask(request)));
  }

  private async insert(tasks: NewTask[]): Promise<Task[]> {
    const runnable = await inserting(() => this.store.insertMany(tasks));
    const rows = tasks.map(waitingRow);
    await this.handOff(rows, runnable);
    return rows.map(taskFromRow);
  }

  private newTask({ name, args, options = {} }: DispatchRequest, fence: string | null = null): NewTask {
    if (!this.registry.has(name)) throw new Error(`no task named "${name}" is registered`);
    const exclusive = [...new Set(options.exclusiveResources ?? [])];
    const shared = [...new Set(options.sharedResources ?? [])].filter((r) => !exclusive.includes(r));
    const now = new Date();
    const { userId, permission } = currentActor();
    return {
      id: uuid7(now.getTime()), name, args, exclusiveResources: exclusive, sharedResources: shared,
      parentTaskId: options.parentTaskId ?? null, taskGroupId: options.taskGroupId ?? null, createdAt: now, fence,
      userId, permission,
    };
  }

  private async handOff(rows: TaskRow[], runnable: string[]): Promise<void> {
    const handOff = Promise.all([this.queue.enqueue(runnable), this.bus.publish(rows)])
      .catch((error: unknown) => this.log.warn({ err: error }, 'handing dispatched tasks to Redis failed'));
    // While Redis is known to be away, answer at once: the wake-up goes on trying meanwhile.
    if (this.queue.connected) await waitAtMost(handOff, HANDOFF_WAIT_MS);
  }
}

/** Runs an insert, turning the database's refusals about task groups into failures a caller can act on. */
async function inserting<T>(insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (error) {
    const { code, detail } = error as { code?: unknown; detail?: string };
    if (code === 'LG404') throw new NotFoundFailure('TaskGroup', detail ?? '');
    if (code === 'LG409') throw new ConflictFailure(`Task group ${detail} accepts no more tasks`);
    throw error;
  }
}

function waitingRow(task: NewTask): TaskRow {
  return {
    id: task.id, seq: 0, name: task.name, state: TaskState.WAITING, args: task.args,
    exclusive_resources: task.exclusiveResources, shared_resources: task.sharedResources,
    progress_reports: [], created_resources: [], error: null, worker: null,
    parent_task_id: task.parentTaskId, task_group_id: task.taskGroupId, user_id: task.userId, permission: task.permission,
    created_at: task.createdAt, updated_at: task.createdAt, started_at: null, finished_at: null,
  };
}
