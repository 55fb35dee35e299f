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
  /** A lost wake-up is made up for within this long (LARDER_SWEEP_MS). */
  sweepBoundMs: number;
}

export interface WatchdogDeps {
  lifecycle: TaskLifecycle;
  cleanups: TaskCleanups;
  reconciler: QueueReconciler;
  queue: TaskQueue;
  log: Logger;
}

/**
 * The sweep's timing for a bound B: it runs every B/2 and re-queues the tasks that have waited,
 * by the database's clock, a little less than B/2; so a task whose wake-up was lost is re-queued
 * at most B after it was last touched. Its lease is shorter than the period, so the process that
 * swept last always finds it free when its own next turn comes.
 */
export function sweepTiming(boundMs: number): { periodMs: number; minAgeMs: number; leaseMs: number } {
  const periodMs = boundMs / 2;
  const marginMs = Math.min(periodMs / 5, 1_000);
  return { periodMs, minAgeMs: periodMs - marginMs, leaseMs: periodMs * 0.8 };
}

/**
 * Every Larder process (api or worker) runs one: there is no singleton to lose. Each tick it
 * reaps dead workers and checks that Redis still has its queue; on its own period it joins the
 * lease for the sweep. PostgreSQL's conditional updates and leases make sure each piece of work is
 * done once. PostgreSQL's work never waits for Redis: the Redis check runs apart, and what the
 * sweep re-queues is owed until Redis takes it.
 */
export class Watchdog {
  private readonly timers: NodeJS.Timeout[] = [];
  private reaping: Promise<void> | null = null;
  private sweeping: Promise<void> | null = null;
  private checkingRedis: Promise<void> | null = null;
  /**
   * Since when this process has reached PostgreSQL without a failure (null: it is failing now).
   * Right after an outage every heartbeat looks old; reaping then would fail the tasks of workers
   * that are merely reconnecting, so a TTL must pass with the database reachable first. A worker
   * cut off alone is still reaped by processes that kept their connection.
   */
  private reachableSince: number | null = Date.now();

  constructor(private readonly deps: WatchdogDeps, private readonly options: WatchdogOptions) {}

  start(): void {
    const every = (ms: number, work: () => void) => {
      const timer = setInterval(work, ms);
      timer.unref();
      this.timers.push(timer);
      work();
    };
    this.deps.queue.onReconnect(() => this.checkRedis());
    every(this.options.tickMs, () => {
      this.reap();
      this.checkRedis();
    });
    every(sweepTiming(this.options.sweepBoundMs).periodMs, () => this.sweep());
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.all([this.reaping, this.sweeping, this.checkingRedis]);
  }

  private reap(): void {
    this.reaping ??= this.guard('reaping dead workers', async () => {
      const { lifecycle, cleanups, log } = this.deps;
      if (this.reachableSince === null || Date.now() - this.reachableSince < this.options.workerTtlMs) {
        // Still touch the database: that is how this process learns that an outage is over.
        await lifecycle.store.ping();
        return;
      }
      const reaped = await reapDeadWorkers(lifecycle, cleanups, this.options.workerTtlMs);
      if (reaped > 0) log.warn({ reaped }, 'failed the tasks of dead workers (WORKER_GONE)');
    }).finally(() => (this.reaping = null));
  }

  private sweep(): void {
    const { minAgeMs, leaseMs } = sweepTiming(this.options.sweepBoundMs);
    this.sweeping ??= this.guard('sweeping for lost wake-ups', () => this.deps.reconciler.sweep(minAgeMs, leaseMs))
      .finally(() => (this.sweeping = null));
  }

  /** While Redis is away this waits for it, apart from the database's work. */
  private checkRedis(): void {
    this.checkingRedis ??= this.guard('checking that Redis still has the task queue', () => this.deps.reconciler.recoverLostQueue(), false)
      .finally(() => (this.checkingRedis = null));
  }

  /** Runs `work`, logging its failure; `database` work that succeeds says PostgreSQL is reachable. */
  private async guard(what: string, work: () => Promise<unknown>, database = true): Promise<void> {
    try {
      await work();
      if (database) this.reachableSince ??= Date.now();
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
