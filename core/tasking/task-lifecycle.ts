import type { Logger } from '../logger.js';
import { TaskState } from '../db/entities/task-state.js';
import { MicroBatch } from './micro-batch.js';
import type { OwedWakeups } from './owed-wakeups.js';
import type { TaskEventBus } from './task-events.js';
import type { TaskRow } from './task-row.js';
import type { Finish, TaskStore } from './task-store.js';
import { waitAtMost } from './wait-at-most.js';

/**
 * How long a settle waits for Redis to pass on that tasks end. Processes whose subscription is
 * down stop trusting their caches anyway, so an outage must not hold tasks' endings back (nor
 * is it waited for while this process knows Redis is away).
 */
const ANNOUNCE_WAIT_MS = 500;

/**
 * State changes after dispatch: each is one conditional statement in PostgreSQL, then an event;
 * a task that reaches a final state also wakes the tasks that were waiting for its resources.
 * Starts and settles made at the same time share a transaction (see MicroBatch). Nothing waits
 * for events or wake-ups to reach Redis: one connection keeps events in order, a lost one is made
 * up for by subscribers re-reading the row when their connection comes back, and wake-ups are
 * owed until Redis takes them. Only the announcement that tasks end is awaited (briefly, and not
 * while Redis is away), before their settle, so caches of what they changed are dropped first.
 */
export class TaskLifecycle {
  private readonly starts = new Map<string, MicroBatch<string, TaskRow | null>>();
  private readonly settles: MicroBatch<{ id: string; finish: Finish }, TaskRow | null>;

  constructor(
    readonly store: TaskStore,
    private readonly bus: TaskEventBus,
    private readonly wakeups: OwedWakeups,
    private readonly log: Logger,
  ) {
    this.settles = new MicroBatch(async (settles) => {
      if (this.bus.connected) {
        await waitAtMost(this.bus.announceEnding(settles.map((s) => s.id))
          .catch((error: unknown) => this.log.warn({ err: error }, 'announcing that tasks end failed')), ANNOUNCE_WAIT_MS);
      }
      const { settled, woken } = await this.store.settleMany(settles);
      void this.publish(settled.filter((row): row is TaskRow => row !== null));
      this.wakeups.add(woken);
      return settled;
    });
  }

  /** Starts the task for `worker` if its reservations allow it now; null otherwise. */
  start(id: string, worker: string): Promise<TaskRow | null> {
    let batch = this.starts.get(worker);
    if (!batch) {
      batch = new MicroBatch(async (ids) => {
        const started = new Map((await this.store.startMany(ids, worker)).map((row) => [row.id, row]));
        void this.publish([...started.values()]);
        return ids.map((taskId) => started.get(taskId) ?? null);
      });
      this.starts.set(worker, batch);
    }
    return batch.call(id);
  }

  /** Finishes the task if it is still in one of `finish.from`; null when it was not. */
  settle(id: string, finish: Finish): Promise<TaskRow | null> {
    return this.settles.call({ id, finish });
  }

  /** Wakes what heads the queues of a task's resources (after an answer to its settle was lost). */
  async wakeAfter(row: TaskRow): Promise<void> {
    this.wakeups.add(await this.store.wake(row.exclusive_resources, row.shared_resources));
  }

  /**
   * Revokes a run's right to write before what it half-made is cleaned up: its body may still be
   * running (a cancel grace ran out, the worker shuts down, the body failed with work in flight).
   */
  async fence(id: string): Promise<void> {
    await this.store.fence([id]);
  }

  async saveProgress(id: string, reports: TaskRow['progress_reports']): Promise<void> {
    const row = await this.store.saveProgress(id, reports);
    if (row) void this.publish([row]);
  }

  /**
   * A WAITING task is cancelled at once; a RUNNING one becomes CANCELING and its worker, hearing
   * the request, aborts it. Returns the task as it is now, or null if it was already final.
   */
  async cancel(id: string): Promise<TaskRow | null> {
    const waiting = await this.settle(id, { from: [TaskState.WAITING], state: TaskState.CANCELED });
    if (waiting) return waiting;
    const running = await this.store.setState(id, [TaskState.RUNNING], TaskState.CANCELING);
    if (running) {
      // Redis only makes the worker hear it sooner: its heartbeat tells it anyway.
      void this.publish([running]);
      this.bus.requestCancel(id).catch((error: unknown) => this.log.warn({ err: error, task: id }, 'sending a cancel request failed'));
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

  private async publish(rows: TaskRow[]): Promise<void> {
    try {
      await this.bus.publish(rows);
    } catch (error) {
      this.log.warn({ err: error, tasks: rows.map((row) => row.id) }, 'publishing task events failed');
    }
  }
}
