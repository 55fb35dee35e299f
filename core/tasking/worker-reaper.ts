import { TaskState } from '../db/entities/task-state.js';
import type { TaskCleanups } from './task-cleanup.js';
import type { TaskLifecycle } from './task-lifecycle.js';
import { RUNNING_STATES } from './task-store.js';

const WORKER_GONE = {
  state: TaskState.FAILED,
  error: { code: 'WORKER_GONE', description: 'The worker running the task stopped heartbeating (killed, host lost or frozen).' },
};

/**
 * Fails the tasks of workers that missed their TTL: claims them (one reaper wins each), removes
 * what they half-made while their reservations still hold, then records WORKER_GONE, which
 * releases the reservations and wakes the tasks they blocked. Returns how many it reaped.
 */
export async function reapDeadWorkers(lifecycle: TaskLifecycle, cleanups: TaskCleanups, workerTtlMs: number): Promise<number> {
  const claimed = await lifecycle.store.reap(workerTtlMs);
  for (const task of claimed) {
    await cleanups.run({ id: task.id, name: task.name, ...WORKER_GONE });
    await lifecycle.settle(task.id, { from: RUNNING_STATES, ...WORKER_GONE });
  }
  return claimed.length;
}
