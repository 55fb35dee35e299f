import type { EntityManager } from '@mikro-orm/postgresql';
import { TaskGroup } from '../db/entities/task-group.js';
import { sql } from '../db/sql.js';

/** A resolver's context or a task's: anything with an entity manager. */
interface WithEm {
  em: EntityManager;
}

/**
 * Creates a group to dispatch related tasks into (`dispatch(..., { taskGroupId })`); tasks a
 * grouped task dispatches join its group. Call finishTaskGroup once every task is dispatched.
 */
export async function createTaskGroup(ctx: WithEm, description: string): Promise<TaskGroup> {
  const em = ctx.em.fork();
  const group = em.create(TaskGroup, { description });
  await em.flush();
  return group;
}

/** Marks that every task of the group is dispatched: it accepts no more, and clients can tell it is whole. */
export async function finishTaskGroup(ctx: WithEm, id: string): Promise<void> {
  await sql(ctx, 'update task_group set all_tasks_dispatched = true, updated_at = larder_now() where id = $1', [id]);
}
