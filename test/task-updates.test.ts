import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, followTask, TASK_FIELDS, type TaskView } from './support/tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder();
});
afterAll(async () => {
  await t?.stop();
});

async function blocker(resource: string, sleepMs: number): Promise<TaskView> {
  const { dispatchTestTask } = await t.client.data(
    `mutation ($r: [String!]) { dispatchTestTask(sleepMs: ${sleepMs}, exclusiveResources: $r) { id } }`,
    { r: [resource] },
  );
  return dispatchTestTask;
}

describe('following a task live', () => {
  it('sends an update task WAITING, RUNNING and COMPLETED in order, then completes', async () => {
    const { createFileRemote: remote } = await t.client.data(`mutation { createFileRemote(input: { name: "followed", url: "http://127.0.0.1:9/" }) { id } }`);
    // Hold the remote so the update is certainly still WAITING when the subscription starts.
    const held = await blocker(`remote:${remote.id}`, 300);
    const { updateFileRemote: update } = await t.client.data(
      `mutation ($id: ID!) { updateFileRemote(id: $id, input: { description: "followed live" }) { id state } }`,
      { id: remote.id },
    );
    expect(update.state).toBe('WAITING');
    const states = (await followTask(t.client, update.id)).map((e) => e.state);
    expect(states).toEqual(['WAITING', 'RUNNING', 'COMPLETED']);
    expect((await finished(t.client, held)).state).toBe('COMPLETED');
  });

  it('sends a late subscriber the final row and completes at once', async () => {
    const { dispatchTestTask: task } = await t.client.data(`mutation { dispatchTestTask(sleepMs: 0) { id } }`);
    await finished(t.client, task);
    const events = await followTask(t.client, task.id);
    expect(events.map((e) => e.state)).toEqual(['COMPLETED']);
    expect(events[0]!.finishedAt).not.toBeNull();
  });

  it('streams every change of the tasks a filter selects, and only those', async () => {
    const resource = 'test:watched';
    const stream = t.client.subscription<{ taskEvents: TaskView }>(
      `subscription ($r: String!) { taskEvents(filter: { reservedResource: $r }) { ${TASK_FIELDS} } }`,
      { r: resource },
    );
    const seen: TaskView[] = [];
    const done = (async () => {
      for await (const event of stream) {
        seen.push(event.data!.taskEvents);
        if (event.data!.taskEvents.state === 'COMPLETED') break;
      }
    })();
    // The subscription is live once the server answers a first event; an unrelated task proves filtering.
    const { dispatchTestTask: other } = await t.client.data(`mutation { dispatchTestTask(sleepMs: 0, exclusiveResources: ["test:other"]) { id } }`);
    await finished(t.client, other);
    const watched = await blocker(resource, 0);
    await done;
    expect(seen.every((e) => e.id === watched.id)).toBe(true);
    expect(seen.map((e) => e.state)).toContain('COMPLETED');
  });

  it('answers NOT_FOUND for a task that does not exist', async () => {
    const stream = t.client.subscription(`subscription { taskUpdated(id: "0193a5b0-0000-7000-8000-000000000000") { id } }`, {});
    const first = await stream.next();
    expect((first.value as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
