import type BeeQueue from 'bee-queue';
import { TaskState } from '../db/entities/task-state.js';
import type { TaskEventBus } from './task-events.js';
import { enqueueTasks, type TaskJob } from './task-queue.js';
import type { TaskRow } from './task-row.js';
import type { Finish, TaskStore } from './task-store.js';

/**
 * State changes after dispatch: each is one conditional statement in PostgreSQL, then an event;
 * a task that reaches a final state also wakes the tasks that were waiting for its resources.
 */
export class TaskLifecycle {
  constructor(
    readonly store: TaskStore,
    private readonly bus: TaskEventBus,
    private readonly queue: BeeQueue<TaskJob>,
  ) {}

  async start(id: string, worker: string): Promise<TaskRow | null> {
    const row = await this.store.start(id, worker);
    if (row) await this.bus.publish(row);
    return row;
  }

  /** Finishes the task if it is still in one of `finish.from`; null when it was not. */
  async settle(id: string, finish: Finish): Promise<TaskRow | null> {
    const row = await this.store.finish(id, finish);
    if (!row) return null;
    const [woken] = await Promise.all([
      this.store.wake(row.exclusive_resources, row.shared_resources),
      this.bus.publish(row),
    ]);
    await enqueueTasks(this.queue, woken);
    return row;
  }

  async saveProgress(id: string, reports: TaskRow['progress_reports']): Promise<void> {
    const row = await this.store.saveProgress(id, reports);
    if (row) await this.bus.publish(row);
  }

  /**
   * A WAITING task is cancelled at once; a RUNNING one becomes CANCELING and its worker, hearing
   * the event, aborts it. Returns the task as it is now, or null if it was already final.
   */
  async cancel(id: string): Promise<TaskRow | null> {
    const waiting = await this.settle(id, { from: [TaskState.WAITING], state: TaskState.CANCELED });
    if (waiting) return waiting;
    const running = await this.store.setState(id, [TaskState.RUNNING], TaskState.CANCELING);
    if (running) {
      await this.bus.publish(running);
      return running;
    }
    const now = await this.store.get(id);
    return now && now.state === TaskState.CANCELING ? now : null;
  }
}
