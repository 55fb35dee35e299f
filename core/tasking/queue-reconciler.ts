import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { OwedWakeups } from './owed-wakeups.js';
import type { TaskStore } from './task-store.js';

/**
 * Puts back into Redis what PostgreSQL says should be there: every runnable WAITING task.
 *
 * - A Redis that restarted empty or was flushed is recognised by its missing epoch key (a key
 *   only Larder writes). The first process to notice writes a new epoch (SET NX) and re-enqueues
 *   everything; the others see the new epoch and leave it. Checked on every reconnection and on
 *   every watchdog tick.
 * - A wake-up can also be lost without Redis losing anything (a process killed between its commit
 *   and its enqueue). A periodic sweep, run by one process at a time under a lease, re-enqueues
 *   runnable tasks that have waited a while (see sweepTiming). A duplicate wake-up is harmless.
 *
 * What either finds is owed to Redis, not awaited: the sweep goes on during an outage.
 */
export class QueueReconciler {
  private readonly epochKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly store: TaskStore,
    private readonly wakeups: OwedWakeups,
    prefix: string,
    private readonly holder: string,
    private readonly log: Logger,
  ) {
    this.epochKey = `${prefix}:epoch`;
  }

  /** Re-enqueues every runnable WAITING task if Redis forgot its queue; true if it did. */
  async recoverLostQueue(): Promise<boolean> {
    if ((await this.redis.exists(this.epochKey)) === 1) return false;
    if ((await this.redis.set(this.epochKey, randomUUID(), 'NX')) !== 'OK') return false;
    const ids = await this.store.runnableWaiting();
    // On a fresh Redis (first start) there is nothing to put back and nothing to warn about.
    if (ids.length > 0) this.log.warn({ requeued: ids.length }, 'Redis had lost the task queue; re-enqueued the runnable tasks from PostgreSQL');
    this.wakeups.add(ids);
    return true;
  }

  /** One sweep, if this process takes the lease: re-queues runnable tasks untouched for `minAgeMs`. */
  async sweep(minAgeMs: number, leaseMs: number): Promise<void> {
    if (!(await this.store.takeLease('queue-sweep', this.holder, Math.round(leaseMs)))) return;
    const ids = await this.store.runnableWaiting(minAgeMs);
    if (ids.length > 0) this.log.info({ requeued: ids.length }, 'sweep re-enqueued runnable tasks whose wake-up was lost');
    this.wakeups.add(ids);
  }
}
