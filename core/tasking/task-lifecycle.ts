import type { Logger } from '../logger.js';
import { TaskState } from '../db/entities/task-state.js';
import type { TaskEventBus } from './task-events.js';
import type { TaskQueue } from './task-queue.js';
import type { TaskRow } from './task-row.js';
import type { Finish, Settled, TaskStore } from './task-store.js';

/**
 * State changes after dispatch: each is one conditional statement in PostgreSQL, then an event;
 * a task that reaches a final state also wakes the tasks that were waiting for its resources.
 */
export class TaskLifecycle {
  constructor(
    readonly store: TaskStore,
    private readonly bus: TaskEventBus,
    private readonly queue: TaskQueue,
    private readonly log: Logger,
  ) {}

  async start(id: string, worker: string): Promise<TaskRow | null> {
    const row = await this.store.start(id, worker);
    // The body need not wait for subscribers; one connection keeps the events in order.
    if (row) this.publish(row).catch(() => undefined);
    return row;
  }

  /** Finishes the task if it is still in one of `finish.from`; null when it was not. */
  async settle(id: string, finish: Finish): Promise<Settled | null> {
    const settled = await this.store.settle(id, finish);
    if (!settled) return null;
    await Promise.all([this.queue.enqueue(settled.woken), this.publish(settled.row)]);
    return settled;
  }

  /** Wakes what heads the queues of a task's resources (after an answer to its settle was lost). */
  async wakeAfter(row: TaskRow): Promise<void> {
    await this.queue.enqueue(await this.store.wake(row.exclusive_resources, row.shared_resources));
  }

  async saveProgress(id: string, reports: TaskRow['progress_reports']): Promise<void> {
    const row = await this.store.saveProgress(id, reports);
    if (row) await this.publish(row);
  }

  /**
   * A WAITING task is cancelled at once; a RUNNING one becomes CANCELING and its worker, hearing
   * the request, aborts it. Returns the task as it is now, or null if it was already final.
   */
  async cancel(id: string): Promise<TaskRow | null> {
    const waiting = await this.settle(id, { from: [TaskState.WAITING], state: TaskState.CANCELED });
    if (waiting) return waiting.row;
    const running = await this.store.setState(id, [TaskState.RUNNING], TaskState.CANCELING);
    if (running) {
      await Promise.all([this.publish(running), this.bus.requestCancel(id)]);
      return running;
    }
    const now = await this.store.get(id);
    return now && now.state === TaskState.CANCELING ? now : null;
  }

  /**
   * Closes the group and cancels its unfinished tasks, latest first, so that cancelling one does
   * not let a later one start. Null when there is no such group, false when it was already closed
   * with nothing left to cancel.
   */
  async cancelGroup(id: string): Promise<boolean | null> {
    const group = await this.store.closeGroup(id);
    if (!group) return null;
    for (const taskId of group.unfinished) await this.cancel(taskId);
    return group.wasOpen || group.unfinished.length > 0;
  }

  private async publish(row: TaskRow): Promise<void> {
    try {
      await this.bus.publish(row);
    } catch (error) {
      this.log.warn({ err: error, task: row.id }, 'publishing a task event failed');
    }
  }
}
