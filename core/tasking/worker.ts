import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { retryWhileTransient } from '../db/availability.js';
import { TaskState } from '../db/entities/task-state.js';
import type { TaskEventBus } from './task-events.js';
import type { TaskQueue } from './task-queue.js';
import { TaskRun, type TaskRunDeps } from './task-run.js';
import { RUNNING_STATES, type WorkerIdentity } from './task-store.js';

export interface WorkerOptions {
  name: string;
  concurrency: number;
  heartbeatIntervalMs: number;
}

export interface WorkerDeps extends TaskRunDeps {
  queue: TaskQueue;
  bus: TaskEventBus;
}

/** After the shutdown grace, how long failing the unfinished tasks may take before the worker gives up on them. */
const RECORD_MARGIN_MS = 5_000;

const TASK_LOST = {
  state: TaskState.FAILED,
  error: { code: 'TASK_LOST', description: 'The worker running the task lost track of it (its outcome could not be recorded).' },
};

/**
 * Takes wake-ups from the queue, starts a task only when PostgreSQL says its reservations allow
 * it, runs it, records the outcome, and wakes whatever the task was blocking. It heartbeats so
 * that others can tell when it is gone, and hears from the heartbeat (and from Redis, sooner)
 * which of its tasks were cancelled.
 */
export class TaskWorker {
  private heartbeat: NodeJS.Timeout | null = null;
  private stopListening: (() => void) | null = null;
  private readonly identity: WorkerIdentity;
  private readonly runs = new Map<string, TaskRun>();
  /** Tasks this worker is starting or running; `again` marks a wake-up that came meanwhile. */
  private readonly claims = new Map<string, { again: boolean }>();
  private readonly handling = new Set<Promise<void>>();
  /** Tasks the last heartbeat said PostgreSQL has running here that this worker did not list. */
  private strays = new Set<string>();
  private stopping = false;

  constructor(private readonly deps: WorkerDeps, private readonly options: WorkerOptions) {
    this.identity = { name: options.name, hostname: hostname(), pid: process.pid, startedAt: new Date() };
  }

  get name(): string {
    return this.options.name;
  }

  async start(): Promise<void> {
    await this.beat();
    this.heartbeat = setInterval(() => {
      this.beat().catch((error: unknown) => this.deps.log.warn({ err: error }, 'worker heartbeat failed'));
    }, this.options.heartbeatIntervalMs);
    this.heartbeat.unref();
    await this.deps.bus.listenForCancels();
    this.stopListening = this.deps.bus.onCancel((taskId) => this.runs.get(taskId)?.cancel());
    this.deps.queue.process(this.options.concurrency, (taskId) => this.take(taskId));
    // Tasks dispatched while no worker ran may have wake-ups no queue knows about.
    await this.deps.queue.enqueue(await this.deps.lifecycle.store.runnableWaiting());
    this.deps.log.info({ worker: this.options.name, concurrency: this.options.concurrency }, 'worker ready');
  }

  /**
   * Stops taking tasks and lets the running ones finish for `graceMs`; those still running then
   * fail with WORKER_SHUTDOWN (after their cleanup), so none is left RUNNING.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const closing = this.deps.queue.close(graceMs + RECORD_MARGIN_MS);
    await Promise.race([this.idle(), delay(graceMs)]);
    for (const run of this.runs.values()) {
      run.end({
        state: TaskState.FAILED,
        error: { code: 'WORKER_SHUTDOWN', description: `The worker shut down before the task finished (grace ${graceMs} ms).` },
      });
    }
    await Promise.race([this.idle(), delay(RECORD_MARGIN_MS)]);
    await closing.catch((error: unknown) => this.deps.log.warn({ err: error }, 'closing the task queue failed'));
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.stopListening?.();
    // A task still unrecorded keeps the worker row, so it is reaped as soon as the TTL passes.
    if (this.runs.size === 0) await this.deps.lifecycle.store.removeWorker(this.options.name);
  }

  /**
   * Tells PostgreSQL this worker lives and hears what changed for its tasks. Every task it is
   * starting or running is listed: one that PostgreSQL has running here and that it listed in
   * neither of two heartbeats in a row (a start may commit between listing and asking) is one it
   * lost track of, e.g. after recording its outcome failed: it is failed, so that it cannot stay
   * RUNNING under a live worker for ever.
   */
  private async beat(): Promise<void> {
    // Only a run that existed when the heartbeat was sent had started by then: a task still being
    // started comes back "lost" (not running yet) and must not be taken from its new run.
    const running = new Set(this.runs.keys());
    const news = await this.deps.lifecycle.store.heartbeat(this.identity, [...this.claims.keys()]);
    for (const taskId of news.cancel) this.runs.get(taskId)?.cancel();
    for (const taskId of news.lost) if (running.has(taskId)) this.runs.get(taskId)?.takenOver();
    const lost = news.stray.filter((taskId) => this.strays.has(taskId) && !this.claims.has(taskId));
    this.strays = new Set(news.stray.filter((taskId) => !this.claims.has(taskId)));
    for (const taskId of lost) await this.failStray(taskId);
  }

  private async failStray(taskId: string): Promise<void> {
    const { lifecycle, cleanups, log } = this.deps;
    log.error({ task: taskId, worker: this.options.name }, 'a task PostgreSQL has running on this worker is not running here; failing it (TASK_LOST)');
    await lifecycle.fence(taskId);
    const row = await lifecycle.store.get(taskId);
    if (row) await cleanups.run({ id: row.id, name: row.name, ...TASK_LOST });
    await lifecycle.settle(taskId, { from: RUNNING_STATES, ...TASK_LOST });
  }

  private track(handling: Promise<void>): Promise<void> {
    this.handling.add(handling);
    return handling.finally(() => this.handling.delete(handling));
  }

  private async idle(): Promise<void> {
    await Promise.allSettled([...this.handling]);
  }

  /**
   * A queue slot belongs to a task's body: it is free again once the body has its outcome (and
   * any cleanup ran). Recording that outcome, which waits for the next settle batch, goes on
   * meanwhile; it stays tracked, so stopping waits for it, and the task stays this worker's
   * (heartbeat, worker row) until it is recorded. A worker dying before that leaves the task
   * RUNNING, as dying during its body would: the reaper fails it.
   */
  private take(taskId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let slotFree = false;
      const free = () => {
        slotFree = true;
        resolve();
      };
      this.track(this.handle(taskId, free)).then(resolve, (error: unknown) => {
        if (!slotFree) reject(error);
        else this.deps.log.warn({ err: error, task: taskId }, 'recording a task outcome failed');
      });
    });
  }

  private async handle(taskId: string, bodyEnded: () => void): Promise<void> {
    const existing = this.claims.get(taskId);
    if (existing) {
      // Starting it may be under way with an answer from before this wake-up: ask again after.
      existing.again = true;
      return;
    }
    const claim = { again: false };
    this.claims.set(taskId, claim);
    try {
      const { lifecycle, log } = this.deps;
      let row = null;
      do {
        claim.again = false;
        row = await retryWhileTransient(() => lifecycle.start(taskId, this.options.name), {
          log, what: 'starting a task', givenUp: () => this.stopping,
        });
      } while (!row && claim.again);
      if (!row) return;
      const run = new TaskRun(row, this.deps);
      this.runs.set(taskId, run);
      if (row.state === TaskState.CANCELING) run.cancel();
      await run.execute(bodyEnded);
    } finally {
      this.runs.delete(taskId);
      this.claims.delete(taskId);
    }
  }
}
