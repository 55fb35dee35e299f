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
}

export interface Finish {
  from: TaskState[];
  state: TaskState;
  error?: TaskError | null;
  createdResources?: string[];
  progressReports?: ProgressReport[];
}

/** The tasking SQL functions (migration core-0002), one round trip each. */
export class TaskStore {
  constructor(private readonly orm: Orm) {}

  /** Writes the WAITING row and its reservations; true when nothing earlier blocks it. */
  async insert(task: NewTask): Promise<boolean> {
    const [row] = await sql<{ runnable: boolean }>(
      this.orm,
      'select larder_dispatch($1, $2, $3, $4, $5, $6, $7, $8) as runnable',
      [task.id, task.name, task.args, task.exclusiveResources, task.sharedResources, task.parentTaskId,
        task.taskGroupId, task.createdAt],
    );
    return row!.runnable;
  }

  /** Moves a WAITING task to RUNNING if its reservations allow it now; null otherwise. */
  async start(id: string, worker: string): Promise<TaskRow | null> {
    const [row] = await sql<TaskRow>(this.orm, 'select * from larder_start($1, $2)', [id, worker]);
    return row ?? null;
  }

  /** Moves a task from one of `from` to a final (or CANCELING) state and releases its reservations. */
  async finish(id: string, finish: Finish): Promise<TaskRow | null> {
    const [row] = await sql<TaskRow>(this.orm, 'select * from larder_finish($1, $2, $3, $4, $5, $6)', [
      id, finish.from, finish.state, finish.error ?? null, finish.createdResources ?? null,
      finish.progressReports ? JSON.stringify(finish.progressReports) : null,
    ]);
    return row ?? null;
  }

  /** Ids of the tasks that now head the queues of resources a finished task released. */
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
       where id = $1 and state in ('RUNNING', 'CANCELING') returning *`,
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

  /** WAITING tasks nothing blocks: after a restart (or a lost Redis) they must be queued again. */
  async runnableWaiting(): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      this.orm,
      `select id from task where state = 'WAITING' and not larder_is_blocked(id, seq) order by seq`,
    );
    return rows.map((r) => r.id);
  }

  async heartbeat(worker: { name: string; hostname: string; pid: number; startedAt: Date }): Promise<void> {
    await sql(
      this.orm,
      `insert into worker (name, hostname, pid, started_at, last_heartbeat) values ($1, $2, $3, $4, larder_now())
       on conflict (name) do update set last_heartbeat = larder_now()`,
      [worker.name, worker.hostname, worker.pid, worker.startedAt],
    );
  }

  async removeWorker(name: string): Promise<void> {
    await sql(this.orm, 'delete from worker where name = $1', [name]);
  }
}

export const RUNNING_STATES = [TaskState.RUNNING, TaskState.CANCELING];
