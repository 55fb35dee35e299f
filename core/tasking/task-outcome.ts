import type { EntityManager } from '@mikro-orm/postgresql';
import { Task } from '../db/entities/task.js';
import type { TaskEventBus } from './task-events.js';
import { followTask } from './task-follow.js';

/**
 * The task once it is final, for an HTTP endpoint that answers with a task's outcome (an npm
 * publish waits for its task). It follows the task's events, so it returns as soon as a worker
 * anywhere finishes the task; null when `signal` aborts first (the client went away; the task goes on).
 */
export async function taskOutcome(
  ctx: { em: EntityManager; services: { events: TaskEventBus } }, taskId: string, signal?: AbortSignal,
): Promise<Task | null> {
  const stream = await followTask(ctx.services.events, taskId, () => ctx.em.fork().findOne(Task, { id: taskId }));
  if (!stream) throw new Error(`task ${taskId} does not exist`);
  const stop = () => void stream.return();
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  let last: Task | undefined;
  try {
    for await (const task of stream) last = task;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  return signal?.aborted ? null : last!;
}
