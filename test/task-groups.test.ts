import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished } from './support/tasks.js';
import { dispatchTestTask } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { until } from './support/wait.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 1 });
});
afterAll(async () => {
  await t?.stop();
});

const GROUP = `id description allTasksDispatched counts { waiting running completed failed canceled }
  tasks(first: 10) { totalCount nodes { id parentTask { id } taskGroup { id } } }`;

describe('task groups', () => {
  it('bundle tasks: children join their parent’s group and link to it, and the group counts them by state', async () => {
    const { createTestTaskGroup: group } = await t.client.data(`mutation { createTestTaskGroup(description: "a sync of 3") { id } }`);
    const parent = await dispatchTestTask(t.client, { children: 3, taskGroupId: group.id });
    const failing = await dispatchTestTask(t.client, { fail: true, taskGroupId: group.id });
    expect((await finished(t.client, parent)).state).toBe('COMPLETED');
    expect((await finished(t.client, failing)).state).toBe('FAILED');

    const taskGroup = await until('the children to complete', async () => {
      const { taskGroup: now } = await t.client.data(`query ($id: ID!) { taskGroup(id: $id) { ${GROUP} } }`, { id: group.id });
      return now.counts.completed === 4 && now;
    });
    expect(taskGroup).toMatchObject({
      description: 'a sync of 3', allTasksDispatched: false,
      counts: { waiting: 0, running: 0, completed: 4, failed: 1, canceled: 0 },
    });
    expect(taskGroup.tasks.totalCount).toBe(5);
    const children = taskGroup.tasks.nodes.filter((task: { parentTask: { id: string } | null }) => task.parentTask);
    expect(children).toHaveLength(3);
    for (const child of children) expect(child).toMatchObject({ parentTask: { id: parent.id }, taskGroup: { id: group.id } });

    const { task } = await t.client.data(`query ($id: ID!) { task(id: $id) { childTasks { id } taskGroup { id } } }`, { id: parent.id });
    expect(task.childTasks.map((c: { id: string }) => c.id).sort()).toEqual(children.map((c: { id: string }) => c.id).sort());
    expect(task.taskGroup.id).toBe(group.id);
  });

  it('are listed, newest first', async () => {
    await t.client.data(`mutation { createTestTaskGroup(description: "older") { id } }`);
    await t.client.data(`mutation { createTestTaskGroup(description: "newer") { id } }`);
    const { taskGroups } = await t.client.data(`{ taskGroups(first: 2) { totalCount nodes { description } } }`);
    expect(taskGroups.nodes.map((g: { description: string }) => g.description)).toEqual(['newer', 'older']);
    expect(taskGroups.totalCount).toBeGreaterThanOrEqual(3);
  });

  it('refuse tasks for a group that does not exist (NOT_FOUND, naming the group)', async () => {
    const missing = '01900000-0000-7000-8000-000000000000';
    const { errors } = await t.client.request(`mutation ($g: ID!) { dispatchTestTask(sleepMs: 0, taskGroupId: $g) { id } }`, { g: missing });
    expect(errors?.[0]).toMatchObject({
      message: `TaskGroup ${missing} does not exist`, extensions: { code: 'NOT_FOUND', type: 'TaskGroup', id: missing },
    });
  });
});
