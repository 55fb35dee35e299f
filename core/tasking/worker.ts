import type BeeQueue from 'bee-queue';
import { hostname } from 'node:os';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { TaskError } from '../db/entities/task.js';
import { TaskState } from '../db/entities/task-state.js';
import type { Logger } from '../logger.js';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import type { UploadFiles } from '../upload/upload-files.js';
import type { TaskDispatcher } from './dispatcher.js';
import { ProgressTracker } from './progress.js';
import type { TaskContext } from './task-definition.js';
import type { TaskEventBus } from './task-events.js';
import type { TaskLifecycle } from './task-lifecycle.js';
import { enqueueTasks, type TaskJob } from './task-queue.js';
import type { TaskRegistry } from './task-registry.js';
import type { TaskRow } from './task-row.js';
import { RUNNING_STATES } from './task-store.js';
import { describeError } from './task-error.js';

export interface WorkerOptions {
  name: string;
  concurrency: number;
  heartbeatIntervalMs: number;
}

export interface WorkerDeps {
  orm: MikroORM<PostgreSqlDriver>;
  lifecycle: TaskLifecycle;
  queue: BeeQueue<TaskJob>;
  bus: TaskEventBus;
  registry: TaskRegistry;
  dispatcher: TaskDispatcher;
  storage: ArtifactStorage;
  uploads: UploadFiles;
  log: Logger;
}

/**
 * Takes wake-ups from the queue, starts a task only when PostgreSQL says its reservations allow
 * it, runs it, records the outcome, and wakes whatever the task was blocking.
 */
export class TaskWorker {
  private heartbeat: NodeJS.Timeout | null = null;
  private stopListening: (() => void) | null = null;
  private readonly startedAt = new Date();
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: WorkerDeps, private readonly options: WorkerOptions) {}

  get name(): string {
    return this.options.name;
  }

  async start(): Promise<void> {
    await this.beat();
    this.heartbeat = setInterval(() => {
      this.beat().catch((error: unknown) => this.deps.log.warn({ err: error }, 'worker heartbeat failed'));
    }, this.options.heartbeatIntervalMs);
    this.heartbeat.unref();
    await this.deps.bus.listen();
    this.stopListening = this.deps.bus.onAny((task) => {
      if (task.state === TaskState.CANCELING) this.running.get(task.id)?.abort();
    });
    this.deps.queue.process(this.options.concurrency, (job) => this.handle(job.data.taskId));
    this.deps.log.info({ worker: this.options.name, concurrency: this.options.concurrency }, 'worker ready');
    await enqueueTasks(this.deps.queue, await this.deps.lifecycle.store.runnableWaiting());
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.stopListening?.();
    await this.deps.lifecycle.store.removeWorker(this.options.name);
  }

  private async beat(): Promise<void> {
    await this.deps.lifecycle.store.heartbeat({
      name: this.options.name, hostname: hostname(), pid: process.pid, startedAt: this.startedAt,
    });
  }

  private async handle(taskId: string): Promise<void> {
    const row = await this.deps.lifecycle.start(taskId, this.options.name);
    if (!row) return;
    const outcome = await this.run(row);
    await this.deps.lifecycle.settle(taskId, { from: RUNNING_STATES, ...outcome });
  }

  private async run(row: TaskRow): Promise<{ state: TaskState; error: TaskError | null; createdResources: string[]; progressReports: TaskRow['progress_reports'] }> {
    const { orm, lifecycle, registry, dispatcher } = this.deps;
    const log = this.deps.log.child({ task: row.id, taskName: row.name });
    const abort = new AbortController();
    this.running.set(row.id, abort);
    const created: string[] = [];
    const progress = new ProgressTracker(async (reports) => {
      try {
        await lifecycle.saveProgress(row.id, reports);
      } catch (error) {
        log.warn({ err: error }, 'saving progress failed');
      }
    });
    const em = orm.em.fork() as EntityManager;
    const ctx: TaskContext = {
      task: { id: row.id, name: row.name },
      args: row.args,
      em,
      log,
      storage: this.deps.storage,
      uploads: this.deps.uploads,
      signal: abort.signal,
      progress: (start) => progress.start(start),
      created: (id) => created.push(id),
      dispatch: (name, args, options) => dispatcher.dispatch(name, args, { parentTaskId: row.id, ...options }),
    };
    let state = TaskState.COMPLETED;
    let error: TaskError | null = null;
    try {
      const definition = registry.get(row.name);
      if (!definition) throw Object.assign(new Error(`no task named "${row.name}" is registered on this worker`), { code: 'UNKNOWN_TASK' });
      await definition.run(ctx);
      await em.flush();
    } catch (caught) {
      state = abort.signal.aborted ? TaskState.CANCELED : TaskState.FAILED;
      error = describeError(caught);
      if (state === TaskState.FAILED) log.warn({ err: caught }, 'task failed');
    } finally {
      this.running.delete(row.id);
    }
    await progress.close(state);
    return { state, error, createdResources: created, progressReports: progress.reports };
  }
}
