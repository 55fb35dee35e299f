import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followTask, TASK_FIELDS, type TaskView } from './support/tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  // The api process is this one (X); the only worker is another OS process (Y).
  t = await startTestLarder({ workers: 0 });
  await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '2' });
});
afterAll(async () => {
  await t?.stop();
});

async function dispatch(sleepMs: number, resource: string): Promise<TaskView> {
  const { dispatchTestTask } = await t.client.data(
    `mutation ($sleep: Int!, $ex: [String!]) { dispatchTestTask(sleepMs: $sleep, exclusiveResources: $ex) { ${TASK_FIELDS} } }`,
    { sleep: sleepMs, ex: [resource] },
  );
  return dispatchTestTask;
}

describe('task subscriptions across processes', () => {
  it('show a subscriber on the api process every state of a task run by a worker process, in order', async () => {
    // The first task holds the resource until cancelled, so the second is WAITING when the subscription starts.
    const blocker = await dispatch(60_000, 'sub:a');
    const task = await dispatch(50, 'sub:a');
    let subscribed!: () => void;
    const first = new Promise<void>((resolve) => (subscribed = resolve));
    const following = t.client.subscribeUntilComplete<{ taskUpdated: TaskView }>(
      `subscription ($id: ID!) { taskUpdated(id: $id) { ${TASK_FIELDS} } }`, { id: task.id }, subscribed);
    await first;
    await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { id } }`, { id: blocker.id });
    const events = (await following).map((e) => e.taskUpdated);
    expect(events.map((e) => e.state)).toEqual(['WAITING', 'RUNNING', 'COMPLETED']);
    expect(events.at(-1)!.worker).toMatch(/-\d+-[0-9a-f]{8}-0$/);
    expect(events.at(-1)!.worker).not.toContain(`-${process.pid}-`);
  });

  it('give a subscriber that comes after the end the final row, then complete', async () => {
    const task = await dispatch(0, 'sub:b');
    await followTask(t.client, task.id);
    const late = await followTask(t.client, task.id);
    expect(late.map((e) => e.state)).toEqual(['COMPLETED']);
    expect(late[0]!.finishedAt).not.toBeNull();
  });
});
