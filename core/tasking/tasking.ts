import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { LarderConfig } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logger.js';
import { logOutages } from '../redis/outage-log.js';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import type { UploadFiles } from '../upload/upload-files.js';
import { TaskDispatcher } from './dispatcher.js';
import { OwedWakeups } from './owed-wakeups.js';
import { QueueReconciler } from './queue-reconciler.js';
import { TaskCleanups, type TaskCleanup } from './task-cleanup.js';
import { TaskEventBus } from './task-events.js';
import { TaskLifecycle } from './task-lifecycle.js';
import { TaskQueue } from './task-queue.js';
import type { TaskRegistry } from './task-registry.js';
import { TaskStore } from './task-store.js';
import { prepareTestTaskRuns } from './test-task-runs.js';
import { Watchdog } from './watchdog.js';
import { waitAtMost } from './wait-at-most.js';
import { TaskWorker } from './worker.js';

/** At shutdown, how long wake-ups still owed may take to reach Redis; the sweep finds the rest. */
const WAKEUPS_DRAIN_MS = 2_000;

export interface TaskingOptions {
  config: LarderConfig;
  orm: Orm;
  log: Logger;
  registry: TaskRegistry;
  cleanups: TaskCleanup[];
  storage: ArtifactStorage;
  uploads: UploadFiles;
  /** Worker processors to run in this process (0 for an api-only process). */
  workers: number;
}

export interface Tasking {
  dispatcher: TaskDispatcher;
  lifecycle: TaskLifecycle;
  events: TaskEventBus;
  workers: TaskWorker[];
  /** Stops the workers (letting running tasks finish within the shutdown grace), then the rest. */
  stop(): Promise<void>;
}

/**
 * The tasking system of one process: dispatch, events, the watchdog every process runs, and
 * the workers asked for. Whatever was started is stopped again if a later step fails.
 */
export async function startTasking(options: TaskingOptions): Promise<Tasking> {
  const { config, orm, log, registry, storage, uploads } = options;
  const started: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    while (started.length > 0) {
      await started.pop()!().catch((error: unknown) => log.warn({ err: error }, 'error while stopping tasking'));
    }
  };
  try {
    const queueOptions = { redisUrl: config.redisUrl, prefix: config.redisPrefix, log };
    const publisher = new Redis(config.redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: true });
    logOutages(publisher, log, 'task event publisher');
    started.push(() => publisher.quit());
    const events = new TaskEventBus(publisher, config.redisUrl, config.redisPrefix, log);
    started.push(() => events.close());
    const producer = new TaskQueue({ ...queueOptions, isWorker: false });
    started.push(() => producer.close());
    await producer.ready();

    const store = new TaskStore(orm);
    const wakeups = new OwedWakeups(producer, log);
    // Stopped before the queue closes: wake-ups owed then go out if Redis takes them in time.
    started.push(() => waitAtMost(wakeups.drained(), WAKEUPS_DRAIN_MS));
    const lifecycle = new TaskLifecycle(store, events, wakeups, log);
    const dispatcher = new TaskDispatcher(store, producer, events, registry, log);
    const cleanups = new TaskCleanups(orm, log, options.cleanups);
    if (config.testTasks) await prepareTestTaskRuns(orm);
    // Tables made after the core's migrations (plugins', test support) get the write fence too.
    await store.installFences();

    // New at every process start: a container restarted with the same hostname and pid must not
    // pass for the worker that died in it (and keep its tasks from being reaped).
    const processName = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    const reconciler = new QueueReconciler(publisher, store, wakeups, config.redisPrefix, processName, log);
    const watchdog = new Watchdog(
      { lifecycle, cleanups, reconciler, queue: producer, log },
      { tickMs: config.heartbeatIntervalMs, workerTtlMs: config.workerTtlMs, sweepBoundMs: config.sweepIntervalMs },
    );
    watchdog.start();
    started.push(() => watchdog.stop());

    const workers: TaskWorker[] = [];
    // All at once: each lets its running tasks finish within the same grace.
    started.push(() => Promise.all(workers.map((worker) => worker.stop(config.shutdownGraceMs))));
    for (let i = 0; i < options.workers; i++) {
      const queue = new TaskQueue({ ...queueOptions, isWorker: true });
      const worker = new TaskWorker(
        {
          orm, lifecycle, registry, dispatcher, cleanups, storage, uploads, log, queue, bus: events, cancelGraceMs: config.cancelGraceMs,
          limits: { metadataBytes: config.resourceLimits.maxMetadataBytes },
        },
        { name: `${processName}-${i}`, concurrency: config.workerConcurrency, heartbeatIntervalMs: config.heartbeatIntervalMs },
      );
      workers.push(worker);
      await queue.ready();
      await worker.start();
    }
    return { dispatcher, lifecycle, events, workers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
