import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as delay } from 'node:timers/promises';
import BeeQueue from 'bee-queue';
import type { Logger } from '../logger.js';
import { OutageLog } from '../redis/outage-log.js';

export interface TaskJob {
  taskId: string;
}

export interface TaskQueueOptions {
  redisUrl: string;
  prefix: string;
  isWorker: boolean;
  log: Logger;
  /** How long a job may go without its worker's sign of life before another worker re-queues it. */
  stallIntervalMs?: number;
}

/** The part of node-redis 3 (bee-queue's client) this module touches. */
interface RedisClient {
  readonly connected: boolean;
  on(event: 'ready', listener: () => void): void;
}

interface BeeQueueInternals {
  client: RedisClient;
}

/** bee-queue keeps its Lua scripts' loader internal; a Redis that restarted empty needs it again. */
const beeQueueScripts = createRequire(import.meta.url)('bee-queue/lib/lua/index.js') as {
  buildCache(client: RedisClient): Promise<void>;
};

/** node-redis 3 otherwise backs off by 1.7× without bound: after a long outage it would wait minutes. */
const reconnectDelay = ({ attempt }: { attempt: number }) => Math.min(50 * 2 ** attempt, 1_000);

/**
 * The bee-queue that carries "this task may be runnable now" wake-ups. A job holds only a task
 * id: PostgreSQL decides whether the task really starts, so a duplicate, stale or re-delivered
 * job is harmless. That is what lets this queue be lossy-tolerant:
 *
 * - every job gets a random id, never bee-queue's counter: after Redis loses its keys the counter
 *   restarts, and a job finishing from before the loss would delete a new job's data by id;
 * - stalled jobs (their worker died) are re-queued by whichever worker checks first; starting
 *   them again is a no-op in PostgreSQL unless the task is still WAITING;
 * - saving retries until Redis takes the job, reloading the Lua scripts a restarted Redis forgot.
 */
export class TaskQueue {
  private readonly queue: BeeQueue<TaskJob>;
  private readonly stallIntervalMs: number;
  private readonly reconnectListeners = new Set<() => void>();
  private closed = false;
  private readonly outages: OutageLog;

  constructor(private readonly options: TaskQueueOptions) {
    this.outages = new OutageLog(options.log, 'task queue');
    this.stallIntervalMs = options.stallIntervalMs ?? 5_000;
    this.queue = new BeeQueue<TaskJob>('tasks', {
      prefix: options.prefix,
      redis: { url: options.redisUrl, retry_strategy: reconnectDelay } as BeeQueue.QueueSettings['redis'],
      isWorker: options.isWorker,
      getEvents: false,
      sendEvents: false,
      storeJobs: false,
      removeOnSuccess: true,
      removeOnFailure: true,
      activateDelayedJobs: false,
      stallInterval: this.stallIntervalMs,
      // bee-queue doubles this after each failed BRPOPLPUSH and never caps it; start small.
      initialRedisFailureRetryDelay: 100,
    } as BeeQueue.QueueSettings);
    this.queue.on('error', (error) => this.outages.error(error));
    this.queue.on('stalled', (jobId) => options.log.info({ jobId }, 'task queue: re-queued the job of a worker that stopped'));
  }

  async ready(): Promise<void> {
    await this.queue.ready();
    // The client is connected by now, so every later 'ready' is a reconnection.
    this.client().on('ready', () => {
      this.outages.ready();
      void this.reloadScripts();
      for (const listener of this.reconnectListeners) listener();
    });
  }

  /** Whether the connection to Redis is up now. */
  get connected(): boolean {
    return this.client().connected;
  }

  /** Called each time the connection to Redis is made again after it was lost. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.add(listener);
  }

  /** Queues wake-ups for these tasks; resolves once Redis holds them all, retrying until it does. */
  async enqueue(taskIds: readonly string[]): Promise<void> {
    let pending = taskIds.map((taskId) => this.queue.createJob({ taskId }).setId(randomUUID()));
    for (let attempt = 0; pending.length > 0; attempt++) {
      let failures: Error[];
      try {
        const failed = await this.queue.saveAll(pending);
        pending = [...failed.keys()];
        failures = [...failed.values()];
      } catch (error) {
        failures = [error as Error];
      }
      if (pending.length === 0) return;
      if (this.closed) throw new Error(`task queue closed with ${pending.length} wake-up(s) unsaved`, { cause: failures[0] });
      if (attempt === 0) this.options.log.warn({ err: failures[0] }, 'task queue: saving wake-ups failed; retrying');
      if (failures.some((f) => (f as { code?: unknown }).code === 'NOSCRIPT')) await this.reloadScripts();
      await delay(Math.min(25 * 2 ** attempt, 1_000));
    }
  }

  /** Runs `handle` for each job, `concurrency` at a time, and checks for stalled jobs. */
  process(concurrency: number, handle: (taskId: string) => Promise<void>): void {
    this.queue.process(concurrency, (job) => handle(job.data.taskId));
    // bee-queue's own lock (a Redis key with the interval as TTL) lets only one worker per
    // interval do the check, whichever comes first: no worker is special.
    this.queue.checkStalledJobs(this.stallIntervalMs).catch((error: unknown) => {
      this.options.log.warn({ err: error }, 'task queue: checking for stalled jobs failed');
    });
  }

  private client(): RedisClient {
    return (this.queue as unknown as BeeQueueInternals).client;
  }

  private async reloadScripts(): Promise<void> {
    await beeQueueScripts.buildCache(this.client())
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'task queue: reloading scripts failed'));
  }

  /** Stops taking jobs and waits (up to `timeoutMs`) for the handlers running now. */
  async close(timeoutMs?: number): Promise<void> {
    this.closed = true;
    await this.queue.close(timeoutMs);
  }
}
