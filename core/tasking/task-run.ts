import type { EntityManager } from '@mikro-orm/postgresql';
import { retryWhileTransient } from '../db/availability.js';
import { isFencedWrite, outsideWriteFence, withWriteFence } from '../db/write-fence.js';
import type { TaskError } from '../db/entities/task.js';
import { TaskState } from '../db/entities/task-state.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logger.js';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import type { UploadFiles } from '../upload/upload-files.js';
import { actingAs } from '../access/acting-user.js';
import type { TaskDispatcher } from './dispatcher.js';
import { FencedStorage } from './fenced-storage.js';
import { ProgressTracker } from './progress.js';
import type { TaskCleanups } from './task-cleanup.js';
import { TaskFailure, type TaskContext, type TaskLimits } from './task-definition.js';
import { describeError } from './task-error.js';
import type { TaskLifecycle } from './task-lifecycle.js';
import type { TaskRegistry } from './task-registry.js';
import type { TaskRow } from './task-row.js';
import { RUNNING_STATES } from './task-store.js';

export interface Outcome {
  state: TaskState;
  error: TaskError | null;
  /** The function ended on a write the database refused: its run had been fenced. */
  refusedWrite?: boolean;
}

export interface TaskRunDeps {
  orm: Orm;
  lifecycle: TaskLifecycle;
  registry: TaskRegistry;
  dispatcher: TaskDispatcher;
  cleanups: TaskCleanups;
  storage: ArtifactStorage;
  uploads: UploadFiles;
  limits: TaskLimits;
  log: Logger;
  /** How long a cancelled task function may take to stop before the task is failed. */
  cancelGraceMs: number;
}

/** Nothing to record: a reaper already failed the task and cleaned up after it. */
const TAKEN_OVER = null;

/**
 * One task on a worker, from RUNNING to its recorded outcome. The outcome is whichever comes
 * first: the task function's own end, or one forced on it (its cancel grace ran out, the worker
 * is shutting down, a reaper took the task over). A forced outcome does not wait for the function,
 * which is told to stop through its AbortSignal and may still be winding down.
 *
 * So the function runs under the run's write fence: every statement it makes (and every file it
 * moves into the store, and every child it dispatches) takes effect only while the run holds its
 * reservations. Before what a run half-made is cleaned up, the run is fenced; a reaper fences it
 * before it fails the task; a settle takes the fence too. Nothing the function does after that
 * can undo the cleanup or touch what the next holder of its resources writes.
 */
export class TaskRun {
  private readonly abort = new AbortController();
  private readonly forced: Promise<Outcome | typeof TAKEN_OVER>;
  private force!: (outcome: Outcome | typeof TAKEN_OVER) => void;
  private cancelled = false;
  private cancelTimer: NodeJS.Timeout | null = null;
  private taskLog: Logger | null = null;

  private readonly fence: string;

  constructor(private readonly row: TaskRow, private readonly deps: TaskRunDeps) {
    this.forced = new Promise((resolve) => (this.force = resolve));
    this.fence = `${row.id}/${row.worker}`;
  }

  /** Made when first needed: most runs of small tasks log nothing. */
  private get log(): Logger {
    return (this.taskLog ??= this.deps.log.child({ task: this.row.id, taskName: this.row.name }));
  }

  /** Someone cancelled the task: tell the function, and fail the task if it does not stop in time. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.stop(new Error('the task was cancelled'));
    const grace = this.deps.cancelGraceMs;
    this.cancelTimer = setTimeout(() => this.end({
      state: TaskState.FAILED,
      error: { code: 'CANCEL_TIMEOUT', description: `The task did not stop within ${grace} ms of being cancelled.` },
    }), grace);
  }

  /** Ends the run now with this outcome; the function is told to stop. */
  end(outcome: Outcome): void {
    this.stop(new Error(outcome.error?.description ?? 'the task was stopped'));
    this.force(outcome);
  }

  /** A reaper failed the task while this worker was out of touch: stop, and record nothing. */
  takenOver(): void {
    this.stop(new Error('the task was taken over after its worker lost contact'));
    this.force(TAKEN_OVER);
  }

  /**
   * Tells the function to stop. Its abort listeners run in the caller's async context, so they
   * are called under the run's fence, as the function's own code is: what they write is the run's.
   */
  private stop(reason: Error): void {
    withWriteFence(this.fence, () => this.abort.abort(reason));
  }

  /** Runs the task and records its outcome; `bodyEnded` is called once only the recording is left. */
  async execute(bodyEnded: () => void = () => undefined): Promise<void> {
    const { lifecycle } = this.deps;
    const created: string[] = [];
    // Saved on the tasking system's behalf, not the function's: outside the fence.
    const progress = new ProgressTracker((reports) => outsideWriteFence(async () => {
      try {
        await lifecycle.saveProgress(this.row.id, reports);
      } catch (error) {
        this.log.warn({ err: error }, 'saving progress failed');
      }
    }));
    // The function acts for whoever dispatched the task: what it creates is theirs, what it dispatches too.
    const actor = { userId: this.row.user_id ?? null, permission: this.row.permission ?? null };
    const body = withWriteFence(this.fence, () => actingAs(actor, () => this.body(created, progress)));
    // However late the function ends, say so if the database refused it a write.
    void body.then((ended) => {
      if (ended.refusedWrite) this.log.info('a write of the task was refused: the run had lost its reservations');
    });
    const outcome = await Promise.race([body, this.forced]);
    if (this.cancelTimer) clearTimeout(this.cancelTimer);
    if (outcome === TAKEN_OVER) return;
    await progress.close(outcome.state);
    if (outcome.state !== TaskState.COMPLETED) {
      // The function may still be running, or have left work in flight: no write of its may land
      // after (or during) the cleanup.
      await retryWhileTransient(() => lifecycle.fence(this.row.id), this.retrying('fencing the task run'));
      await this.deps.cleanups.run({ id: this.row.id, name: this.row.name, state: outcome.state, error: outcome.error });
    }
    bodyEnded();
    await this.record(outcome, created, progress.reports);
  }

  private async body(created: string[], progress: ProgressTracker): Promise<Outcome> {
    const { orm, registry, dispatcher } = this.deps;
    const row = this.row;
    // Forked when the function first asks for it: a task that touches no entity costs no fork or flush.
    const fork: { em: EntityManager | null } = { em: null };
    const log = () => this.log;
    const ctx: TaskContext = {
      task: { id: row.id, name: row.name, userId: row.user_id ?? null },
      args: row.args,
      get em() {
        return (fork.em ??= orm.em.fork() as EntityManager);
      },
      get log() {
        return log();
      },
      // Its files land in the store only while the run holds its reservations.
      storage: new FencedStorage(this.deps.storage, orm),
      uploads: this.deps.uploads,
      limits: this.deps.limits,
      signal: this.abort.signal,
      progress: (start) => progress.start(start),
      created: (id) => created.push(id),
      // A child joins its parent's group unless told otherwise; it is dispatched only while this
      // run holds its reservations.
      dispatch: (name, args, options = {}) => outsideWriteFence(() => dispatcher.dispatch(name, args, {
        ...options, parentTaskId: options.parentTaskId ?? row.id, taskGroupId: options.taskGroupId ?? row.task_group_id,
      }, this.fence)),
    };
    try {
      const definition = registry.get(row.name);
      if (!definition) throw new TaskFailure(`no task named "${row.name}" is registered on this worker`, 'UNKNOWN_TASK');
      this.abort.signal.throwIfAborted();
      await definition.run(ctx);
      // Cancelled before it returned: what it left unflushed is dropped, and it counts as cancelled.
      this.abort.signal.throwIfAborted();
      await fork.em?.flush();
      return { state: TaskState.COMPLETED, error: null };
    } catch (caught) {
      // Whatever a cancelled function throws on its way out, the outcome is that it was cancelled.
      if (this.cancelled) return { state: TaskState.CANCELED, error: null, refusedWrite: isFencedWrite(caught) };
      if (isFencedWrite(caught)) {
        return { state: TaskState.FAILED, error: { code: 'FENCED', description: 'The task lost its reservations while it ran.' }, refusedWrite: true };
      }
      const { error, expected, reference } = describeError(caught);
      // An expected failure is one the task foresaw (bad upstream data, a conflict): news, not a fault to debug.
      if (expected) this.log.info({ code: error.code, description: error.description }, 'task failed');
      else if (!this.abort.signal.aborted) this.log.error({ err: caught, reference }, 'task failed unexpectedly');
      return { state: TaskState.FAILED, error };
    }
  }

  private retrying(what: string) {
    // The task's logger is made only if a retry has something to say.
    const taskLog = () => this.log;
    return { what, get log() { return taskLog(); } };
  }

  /**
   * Records the outcome, retrying while the database is away: a settle must never be lost. If an
   * attempt was cut off, its commit may have happened with the wake-ups it returned lost, so the
   * task's resources are woken again.
   */
  private async record(outcome: Outcome, created: string[], reports: TaskRow['progress_reports']): Promise<void> {
    const { lifecycle } = this.deps;
    const { state, error } = outcome;
    let interrupted = false;
    const settled = await retryWhileTransient(async () => {
      try {
        return await lifecycle.settle(this.row.id, { from: RUNNING_STATES, state, error, createdResources: created, progressReports: reports });
      } catch (failure) {
        interrupted = true;
        throw failure;
      }
    }, this.retrying('recording the task outcome'));
    if (!settled && interrupted) {
      await retryWhileTransient(() => lifecycle.wakeAfter(this.row), this.retrying('waking blocked tasks'));
    }
  }
}
