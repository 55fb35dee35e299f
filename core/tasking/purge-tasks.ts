import { sql } from '../db/sql.js';
import type { TaskState } from '../db/entities/task-state.js';
import { defineTask } from './task-definition.js';

interface PurgeArgs {
  finishedBefore: string;
  states: TaskState[];
}

/** Small enough that each delete is a short transaction holding few row locks. */
const BATCH = 1_000;

/**
 * Deletes finished tasks, oldest first, a batch per statement; the progress report counts them.
 * Stops between batches when cancelled.
 */
export const purgeTasksTask = defineTask<PurgeArgs>({
  name: 'core.purge-tasks',
  async run(ctx) {
    const purged = ctx.progress({ code: 'purge.tasks', message: 'Purging finished tasks' });
    for (;;) {
      ctx.signal.throwIfAborted();
      const deleted = await sql<{ id: string }>(ctx,
        `delete from task where id in (
           select id from task where finished_at < $1 and state = any($2) order by finished_at limit $3)
         returning id`,
        [ctx.args.finishedBefore, ctx.args.states, BATCH]);
      purged.increment(deleted.length);
      if (deleted.length < BATCH) break;
    }
    purged.finish();
  },
});
