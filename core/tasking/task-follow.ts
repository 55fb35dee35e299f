import type { Task } from '../db/entities/task.js';
import { isFinalTaskState, TaskState } from '../db/entities/task-state.js';
import { EventStream } from '../event-stream.js';
import type { TaskEventBus } from './task-events.js';

const RANK: Record<TaskState, number> = {
  [TaskState.WAITING]: 0,
  [TaskState.RUNNING]: 1,
  [TaskState.CANCELING]: 2,
  [TaskState.SKIPPED]: 3,
  [TaskState.COMPLETED]: 3,
  [TaskState.FAILED]: 3,
  [TaskState.CANCELED]: 3,
};

/**
 * Events from different processes (the api's WAITING, a worker's RUNNING) can arrive out of
 * order; a task only moves forward, so an event that is not ahead of the last one sent is stale.
 */
function isNewer(next: Task, last: Task): boolean {
  const a = RANK[next.state];
  const b = RANK[last.state];
  return a > b || (a === b && next.updatedAt.getTime() > last.updatedAt.getTime());
}

/**
 * The current row first, then every later change, ending after a final state. Listening starts
 * before the row is read, so nothing that happens in between is missed; and the row is read
 * again whenever the event subscription comes back from a lost Redis connection. `visible` is asked
 * of every change: the stream ends at the first one the follower may no longer see.
 */
export async function followTask(
  bus: TaskEventBus, id: string, load: () => Promise<Task | null>, visible: (task: Task) => boolean = () => true, ended: () => void = () => undefined,
): Promise<EventStream<Task> | null> {
  let last: Task | null = null;
  const early: Task[] = [];
  const stream: EventStream<Task> = new EventStream<Task>(() => {
    stop();
    ended();
  });
  const offer = (task: Task | null) => {
    if (!task || !last || !isNewer(task, last)) return;
    // A follower who may no longer see the task (a role revoked meanwhile) gets nothing more of it.
    if (!visible(task)) {
      stream.end();
      return;
    }
    last = task;
    stream.push(task);
    if (isFinalTaskState(task.state)) stream.end();
  };
  const stopEvents = bus.onTask(id, (task) => (last ? offer(task) : early.push(task)));
  // A failed re-read changes nothing: events keep flowing, and the next resync reads again.
  const stopResync = bus.onResync(() => {
    load().then(offer, () => undefined);
  });
  const stop = () => {
    stopEvents();
    stopResync();
  };
  const current = await load();
  if (!current) {
    stop();
    return null;
  }
  last = current;
  stream.push(current);
  if (isFinalTaskState(current.state)) stream.end();
  else early.forEach(offer);
  return stream;
}

/** Every change of every task the predicate accepts, until the client unsubscribes (then `ended` is called). */
export function taskEventStream(bus: TaskEventBus, accept: (task: Task) => boolean, ended: () => void = () => undefined): EventStream<Task> {
  const stream: EventStream<Task> = new EventStream<Task>(() => {
    stop();
    ended();
  });
  const stop = bus.onAny((task) => {
    if (accept(task)) stream.push(task);
  });
  return stream;
}
