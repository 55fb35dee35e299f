import type { EntityManager } from '@mikro-orm/postgresql';
import { retryWhileTransient } from '../db/availability.js';
import type { TaskError } from '../db/entities/task.js';
import type { TaskState } from '../db/entities/task-state.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logger.js';

export interface TaskCleanupContext {
  /** The task that stopped without completing, and the outcome about to be recorded. */
  task: { id: string; name: string; state: TaskState; error: TaskError | null };
  /** A fresh fork; flush what you change. */
  em: EntityManager;
  log: Logger;
}

/**
 * Removes what a task half-made. Runs after the task failed, was cancelled, or lost its worker,
 * before its outcome is recorded: the task still holds its reservations, so nothing else touches
 * its objects meanwhile. It may run twice for one task (a reaper that died is replaced), so it
 * must be idempotent.
 */
export type TaskCleanup = (ctx: TaskCleanupContext) => Promise<void>;

/** The core's and every plugin's cleanups, run in order. */
export class TaskCleanups {
  constructor(private readonly orm: Orm, private readonly log: Logger, private readonly cleanups: TaskCleanup[]) {}

  /**
   * Runs every cleanup, retrying while the database is away. A cleanup that fails otherwise is
   * logged and skipped: a bug in one must not keep the task (and its resources) from finishing.
   */
  async run(task: TaskCleanupContext['task']): Promise<void> {
    const log = this.log.child({ task: task.id, taskName: task.name });
    for (const cleanup of this.cleanups) {
      try {
        await retryWhileTransient(() => cleanup({ task, em: this.orm.em.fork() as EntityManager, log }), { log, what: 'a task cleanup' });
      } catch (error) {
        log.error({ err: error }, 'a task cleanup failed');
      }
    }
  }
}
