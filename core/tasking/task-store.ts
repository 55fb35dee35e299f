import type { Orm } from '../db/orm.js';
import { sql } from '../db/sql.js';
import type { ProgressReport, TaskError } from '../db/entities/task.js';
import { TaskState } from '../db/entities/task-state.js';
import type { TaskRow } from './task-row.js';

export interface NewTask {
  id: string;
  name: string;
  args: Record<string, unknown>;
  exclusiveResources: string[];
  sharedResources: string[];
  parentTaskId: string | null;
  taskGroupId: string | null;
  createdAt: Date;
  /** The fence token of the run that dispatches this task as its child (see larder_dispatch_batch). */
  fence: string | null;
  userId: string | null;
  permission: string | null;
}

export interface Finish {
  from: TaskState[];
  state: TaskState;
  error?: TaskError | null;
  createdResources?: string[];
  progressReports?: ProgressReport[];
}

export interface Settlement {
  /** Per input, the task as it is now, or null when it was not in one of `from`. */
  settled: Array<TaskRow | null>;
  /** Tasks that now head the queue of a resource a settled task released. */
  woken: string[];
}

export interface WorkerIdentity {
  name: string;
  hostname: string;
  pid: number;
  startedAt: Date;
}

/** What a heartbeat tells a worker about the tasks it runs. */
export interface HeartbeatNews {
  /** Tasks someone asked to cancel (CANCELING). */
  cancel: string[];
  /** Tasks no longer this worker's: fenced (a reaper took them while the worker was out of touch), or settled. */
  lost: string[];
  /** Tasks PostgreSQL says this worker runs that it did not list: it lost track of them. */
  stray: string[];
}

/** The tasking SQL functions (migrations core-0002, 0003 and 0007), one round trip each. */
export class TaskStore {
  constructor(private readonly orm: Orm) {}

  /** Writes many WAITING tasks in one transaction, in order; returns the ids nothing blocks. */
  async insertMany(tasks: NewTask[]): Promise<string[]> {
    const rows = await sql<{ id: string }>(this.orm, 'select larder_dispatch_batch($1) as id', [
      JSON.stringify(tasks.map((t) => ({
        id: t.id, name: t.name, args: t.args, exclusive: t.exclusiveResources, shared: t.sharedResources,
        parent: t.parentTaskId, group: t.taskGroupId, createdAt: t.createdAt.toISOString(), fence: t.fence,
        user: t.userId, permission: t.permission,
      }))),
    ]);
    return rows.map((r) => r.id);
  }

  /**
   * Moves each WAITING task to RUNNING if its reservations allow it now, in one transaction;
   * returns those it started. A task this worker already started comes back as it is (the answer
   * to that start was lost).
   */
  async startMany(ids: string[], worker: string): Promise<TaskRow[]> {
    return sql<TaskRow>(this.orm, 'select * from larder_start_batch($1, $2)', [ids, worker]);
  }

  /**
   * Moves each task from one of its `from` states to its final (or CANCELING) state and releases
   * its reservations, in one transaction; returns what it settled and the tasks that may start now.
   */
  async settleMany(settles: Array<{ id: string; finish: Finish }>): Promise<Settlement> {
    const [{ result }] = await sql<{ result: { settled: Array<{ idx: number; task: TaskRow }>; woken: string[] } }>(
      this.orm, 'select larder_settle_batch($1) as result', [JSON.stringify(settles.map(({ id, finish }, i) => ({
        idx: i, id, from: finish.from, state: finish.state, error: finish.error ?? null, created: finish.createdResources,
        progress: finish.progressReports ?? null,
      })))],
    );
    const settled: Array<TaskRow | null> = settles.map(() => null);
    for (const { idx, task } of result.settled) settled[idx] = task;
    return { settled, woken: result.woken };
  }

  /** Ids of the tasks that now head the queues of these resources. */
  async wake(exclusiveResources: string[], sharedResources: string[]): Promise<string[]> {
    const rows = await sql<{ id: string }>(this.orm, 'select larder_wake($1, $2) as id', [
      exclusiveResources, sharedResources,
    ]);
    return rows.map((r) => r.id);
  }

  async saveProgress(id: string, reports: ProgressReport[]): Promise<TaskRow | null> {
    const [row] = await sql<TaskRow>(
      this.orm,
      `update task set progress_reports = $2, updated_at = larder_now()
       where id = $1 and state in ('RUNNING', 'CANCELING') and fenced_at is null returning *`,
      [id, JSON.stringify(reports)],
    );
    return row ?? null;
  }

  async get(id: string): Promise<TaskRow | null> {
    const [row] = await sql<TaskRow>(this.orm, 'select * from task where id = $1', [id]);
    return row ?? null;
  }

  async setState(id: string, from: TaskState[], state: TaskState): Promise<TaskRow | null> {
    const [row] = await sql<TaskRow>(
      this.orm,
      'update task set state = $3, updated_at = larder_now() where id = $1 and state = any($2) returning *',
      [id, from, state],
    );
    return row ?? null;
  }

  /**
   * WAITING tasks nothing blocks, dispatched (or last changed) before `olderThanMs` ago: after a
   * restart or a lost Redis they must be queued again.
   */
  async runnableWaiting(olderThanMs = 0): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      this.orm,
      `select larder_unblocked(array(
         select id from task where state = 'WAITING' and updated_at <= larder_now() - make_interval(secs => $1 / 1000.0))) as id`,
      [olderThanMs],
    );
    return rows.map((r) => r.id);
  }

  async heartbeat(worker: WorkerIdentity, running: string[]): Promise<HeartbeatNews> {
    const rows = await sql<{ task_id: string; reason: 'CANCEL' | 'LOST' | 'STRAY' }>(
      this.orm, 'select * from larder_heartbeat($1, $2, $3, $4, $5)',
      [worker.name, worker.hostname, worker.pid, worker.startedAt, running],
    );
    return {
      cancel: rows.filter((r) => r.reason === 'CANCEL').map((r) => r.task_id),
      lost: rows.filter((r) => r.reason === 'LOST').map((r) => r.task_id),
      stray: rows.filter((r) => r.reason === 'STRAY').map((r) => r.task_id),
    };
  }

  /** One round trip that touches nothing: is the database there? */
  async ping(): Promise<void> {
    await sql(this.orm, 'select 1');
  }

  async removeWorker(name: string): Promise<void> {
    await sql(this.orm, 'delete from worker where name = $1', [name]);
  }

  /**
   * Revokes these task runs' right to write (see larder_fence), ending their transactions in
   * flight; returns the ids it fenced now.
   */
  async fence(ids: string[]): Promise<string[]> {
    const rows = await sql<{ id: string }>(this.orm, 'select larder_fence($1) as id', [ids]);
    return rows.map((r) => r.id);
  }

  /** Makes sure every table (those of plugins and test support too) has the fence trigger. */
  async installFences(): Promise<void> {
    await sql(this.orm, 'select larder_install_fences()');
  }

  /** Claims the unfinished tasks of dead workers, fenced (see larder_reap); each goes to one caller. */
  async reap(ttlMs: number): Promise<TaskRow[]> {
    return sql<TaskRow>(this.orm, 'select * from larder_reap($1)', [ttlMs]);
  }

  /**
   * Closes a task group to new tasks (waiting for dispatches into it in flight) and returns its
   * unfinished tasks, latest first, and whether it was open until now; null if there is no such group.
   */
  async closeGroup(id: string): Promise<{ wasOpen: boolean; unfinished: string[] } | null> {
    const [group] = await sql<{ was_open: boolean }>(
      this.orm,
      `update task_group g set all_tasks_dispatched = true, updated_at = larder_now()
       from (select id, not all_tasks_dispatched as was_open from task_group where id = $1 for update) old
       where g.id = old.id returning old.was_open`,
      [id],
    );
    if (!group) return null;
    const tasks = await sql<{ id: string }>(
      this.orm,
      `select id from task where task_group_id = $1 and state in ('WAITING', 'RUNNING', 'CANCELING') order by seq desc`,
      [id],
    );
    return { wasOpen: group.was_open, unfinished: tasks.map((t) => t.id) };
  }

  /** True when `holder` now holds the lease `name` for `ms` (nobody else held it). */
  async takeLease(name: string, holder: string, ms: number): Promise<boolean> {
    const [row] = await sql<{ taken: boolean | null }>(this.orm, 'select larder_take_lease($1, $2, $3) as taken', [name, holder, ms]);
    return row?.taken === true;
  }
}

export const RUNNING_STATES = [TaskState.RUNNING, TaskState.CANCELING];
