import type { EntityClass } from '@mikro-orm/core';
import { defineTask, TaskFailure, type TaskContext } from '../tasking/task-definition.js';
import { createObject, forgetRoles, updateObject } from './object-writes.js';

interface TypeArgs {
  entity: string;
}

interface ObjectArgs extends TypeArgs {
  id: string;
}

function entityClass(ctx: TaskContext<TypeArgs>): EntityClass<object> {
  return ctx.em.getMetadata().get(ctx.args.entity).class as EntityClass<object>;
}

async function load(ctx: TaskContext<ObjectArgs>): Promise<object> {
  const object = await ctx.em.findOne(entityClass(ctx), { id: ctx.args.id } as never);
  if (!object) throw new TaskFailure(`${ctx.args.entity} ${ctx.args.id} no longer exists`, 'NOT_FOUND');
  return object;
}

/** `create<X>` for types whose creation needs a lock (a distribution's base path). */
export const createObjectTask = defineTask<TypeArgs & { input: Record<string, unknown> }>({
  name: 'core.create',
  async run(ctx) {
    const object = (await createObject(ctx.em, entityClass(ctx), ctx.args.input)) as { id: string };
    ctx.created(object.id);
  },
});

/** `update<X>`: runs with the object reserved exclusively, so no sync or publish sees it half-changed. */
export const updateObjectTask = defineTask<ObjectArgs & { input: Record<string, unknown> }>({
  name: 'core.update',
  async run(ctx) {
    await updateObject(ctx.em, await load(ctx), ctx.args.input);
  },
});

export const deleteObjectTask = defineTask<ObjectArgs>({
  name: 'core.delete',
  async run(ctx) {
    ctx.em.remove(await load(ctx));
    await forgetRoles(ctx.em, ctx.args.id);
  },
});

export const crudTasks = [createObjectTask, updateObjectTask, deleteObjectTask];
