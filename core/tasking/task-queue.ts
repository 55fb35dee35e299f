import BeeQueue from 'bee-queue';

export interface TaskJob {
  taskId: string;
}

export interface TaskQueueOptions {
  redisUrl: string;
  prefix: string;
  isWorker: boolean;
  stallIntervalMs?: number;
}

/**
 * The bee-queue that carries "this task may be runnable now" wake-ups. A job holds only a task
 * id: PostgreSQL decides whether the task really starts, so a duplicate or stale job is harmless.
 */
export function openTaskQueue(options: TaskQueueOptions): BeeQueue<TaskJob> {
  return new BeeQueue<TaskJob>('tasks', {
    prefix: options.prefix,
    redis: { url: options.redisUrl },
    isWorker: options.isWorker,
    getEvents: false,
    sendEvents: false,
    storeJobs: false,
    removeOnSuccess: true,
    removeOnFailure: true,
    activateDelayedJobs: false,
    stallInterval: options.stallIntervalMs ?? 5_000,
  });
}

export async function enqueueTasks(queue: BeeQueue<TaskJob>, taskIds: string[]): Promise<void> {
  if (taskIds.length === 0) return;
  if (taskIds.length === 1) {
    await queue.createJob({ taskId: taskIds[0]! }).save();
    return;
  }
  const failures = await queue.saveAll(taskIds.map((taskId) => queue.createJob({ taskId })));
  const first = failures.values().next();
  if (!first.done) throw first.value;
}
