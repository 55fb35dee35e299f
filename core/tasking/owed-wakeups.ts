import type { Logger } from '../logger.js';
import type { TaskQueue } from './task-queue.js';

/**
 * Wake-ups that PostgreSQL has decided on (a settle released what tasks waited for) and Redis has
 * yet to take. Whoever decided does not wait for Redis: during an outage outcomes, cancellations
 * and reaping go on, and the wake-ups owed are sent, each once, when Redis is back. If this
 * process ends first, the sweep finds those tasks instead.
 */
export class OwedWakeups {
  private readonly owed = new Set<string>();
  private sending: Promise<void> | null = null;

  constructor(private readonly queue: TaskQueue, private readonly log: Logger) {}

  /** Owes these tasks a wake-up; returns at once. */
  add(taskIds: readonly string[]): void {
    for (const id of taskIds) this.owed.add(id);
    this.sending ??= this.send().finally(() => (this.sending = null));
  }

  /** Resolves once every wake-up owed so far was sent (or given up at close). */
  async drained(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async send(): Promise<void> {
    while (this.owed.size > 0) {
      const ids = [...this.owed];
      this.owed.clear();
      try {
        // Retries until Redis takes them; throws only once the queue is closed.
        await this.queue.enqueue(ids);
      } catch (error) {
        this.log.warn({ err: error, tasks: ids.length }, 'wake-ups not sent before the queue closed; the sweep will find those tasks');
        return;
      }
    }
  }
}
