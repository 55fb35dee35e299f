import type { Task } from '../db/entities/task.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { DispatchOptions } from './dispatcher.js';
import type { TaskContext } from './task-definition.js';

/**
 * Dispatches a task from a resolver, or a child task from inside a task. Returns the WAITING
 * task at once; the work happens on a worker when the reservations allow.
 */
export function dispatch(
  ctx: GraphQLContext | TaskContext,
  name: string,
  args: Record<string, unknown>,
  options: DispatchOptions = {},
): Promise<Task> {
  return 'services' in ctx ? ctx.services.tasks.dispatch(name, args, options) : ctx.dispatch(name, args, options);
}
