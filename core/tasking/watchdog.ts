import { isDatabaseUnavailable } from '../db/availability.js';
import type { Logger } from '../logger.js';
import type { QueueReconciler } from './queue-reconciler.js';
import type { TaskCleanups } from './task-cleanup.js';
import type { TaskLifecycle } from './task-lifecycle.js';
import type { TaskQueue } from './task-queue.js';
import { reapDeadWorkers } from './worker-reaper.js';

export interface WatchdogOptions {
  tickMs: number;
  workerTtlMs: number;
  sweepIntervalMs: number;
}

export interface WatchdogDeps {
  lifecycle: TaskLifecycle;
  cleanups: TaskCleanups;
  reconciler: QueueReconciler;
  queue: TaskQueue;
  log: Logger;
}

/**
 * Every Larder process (api or worker) runs one: there is no singleton to lose. Each tick it
 * reaps dead workers, joins the lease for the sweep, and checks that Redis still has its queue;
 * PostgreSQL's conditional updates and leases make sure each piece of work is done once.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private lastSweep = 0;
  /**
   * Since when this process has reached PostgreSQL without a failure (null: it is failing now).
   * Right after an outage every heartbeat looks old; reaping then would fail the tasks of workers
   * that are merely reconnecting, so a TTL must pass with the database reachable first. A worker
   * cut off alone is still reaped by processes that kept their connection.
   */
  private reachableSince: number | null = Date.now();

  constructor(private readonly deps: WatchdogDeps, private readonly options: WatchdogOptions) {}

  start(): void {
    this.deps.queue.onReconnect(() => void this.tick());
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  private tick(): Promise<void> {
    this.ticking ??= this.work().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async work(): Promise<void> {
    const { lifecycle, cleanups, reconciler, log } = this.deps;
    const trusted = this.reachableSince !== null && Date.now() - this.reachableSince >= this.options.workerTtlMs;
    await this.guard('reaping dead workers', async () => {
      if (!trusted) {
        // Still touch the database: that is how this process learns that an outage is over.
        await lifecycle.store.ping();
        return;
      }
      const reaped = await reapDeadWorkers(lifecycle, cleanups, this.options.workerTtlMs);
      if (reaped > 0) log.warn({ reaped }, 'failed the tasks of dead workers (WORKER_GONE)');
    });
    if (Date.now() - this.lastSweep >= this.options.sweepIntervalMs) {
      this.lastSweep = Date.now();
      await this.guard('sweeping for lost wake-ups', () => reconciler.sweep(this.options.sweepIntervalMs));
    }
    // Last: while Redis is away this waits for it, and PostgreSQL's work above need not.
    await this.guard('checking that Redis still has the task queue', () => reconciler.recoverLostQueue());
  }

  private async guard(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      this.reachableSince ??= Date.now();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        this.deps.log.warn({ err: error }, `watchdog: ${what} failed`);
      } else if (this.reachableSince !== null) {
        this.reachableSince = null;
        this.deps.log.warn({ err: error }, 'watchdog: PostgreSQL is unreachable; no reaping until it has been back for a TTL');
      }
    }
  }
}
