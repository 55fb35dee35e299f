import type { Task } from '../db/entities/task.js';
import type { DispatchOptions, TaskDispatcher } from './dispatcher.js';
import type { TaskContext } from './task-definition.js';

/**
 * Whatever a dispatch starts from: a task's context (the new task becomes its child), or a
 * context that holds the dispatcher among its services, such as a resolver's or a route's.
 * Structural, so tasking needs to know neither.
 */
export type DispatchingContext = Pick<TaskContext, 'dispatch'> | { services: { tasks: Pick<TaskDispatcher, 'dispatch'> } };

/**
 * Dispatches a task from a resolver, or a child task from inside a task. Returns the WAITING
 * task at once; the work happens on a worker when the reservations allow.
 */
export function dispatch(
  ctx: DispatchingContext,
  name: string,
  args: Record<string, unknown>,
  options: DispatchOptions = {},
): Promise<Task> {
  return 'services' in ctx ? ctx.services.tasks.dispatch(name, args, options) : ctx.dispatch(name, args, options);
}
