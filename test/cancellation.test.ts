import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, followTask, TASK_FIELDS } from './support/tasks.js';
import { dispatchTestTask, stateReached, testRuns } from './support/test-tasks.js';
import type { LarderProcess } from './support/larder-process.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

const CANCEL_GRACE_MS = 700;

let t: TestLarder;
let worker: LarderProcess;
beforeAll(async () => {
  // Tasks run in a worker process: it hears of cancellations over Redis, as in production.
  t = await startTestLarder({ workers: 0, env: { LARDER_CANCEL_GRACE_MS: String(CANCEL_GRACE_MS) } });
  worker = await t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '4' });
});
afterAll(async () => {
  await t?.stop();
});

async function cancel(id: string) {
  const { cancelTask } = await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { ${TASK_FIELDS} } }`, { id });
  return cancelTask;
}

describe('cancelling a task', () => {
  it('cancels a WAITING task at once: its body never runs, and the next task on its resource runs', async () => {
    // The blocker holds the resource until the test lets it go: however slow the machine, the
    // task behind it is still WAITING when it is cancelled.
    const blocker = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['c:waiting'] });
    const waiting = await dispatchTestTask(t.client, { exclusive: ['c:waiting'], marker: 'waiting' });
    const next = await dispatchTestTask(t.client, { exclusive: ['c:waiting'] });
    const cancelled = await cancel(waiting.id);
    expect(cancelled).toMatchObject({ state: 'CANCELED', startedAt: null, error: null });
    await cancel(blocker.id);
    const [blockerDone, nextDone] = await Promise.all([finished(t.client, blocker), finished(t.client, next)]);
    expect(nextDone.state).toBe('COMPLETED');
    expect(Date.parse(nextDone.startedAt!)).toBeGreaterThanOrEqual(Date.parse(blockerDone.finishedAt!));
    expect(await testRuns(t, 'waiting')).toEqual([]);
  });

  it('cancels a RUNNING task: its AbortSignal fires, it stops, ends CANCELED and frees its resource', async () => {
    const running = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['c:running'], marker: 'running' });
    const next = await dispatchTestTask(t.client, { exclusive: ['c:running'] });
    await stateReached(t, running.id, 'RUNNING');
    expect((await cancel(running.id)).state).toBe('CANCELING');
    const states = (await followTask(t.client, running.id)).map((e) => e.state);
    expect(states.at(-1)).toBe('CANCELED');
    // The body threw its own error when aborted; the outcome is still "cancelled", not "failed".
    const stopped = await finished(t.client, running);
    expect(stopped.error).toBeNull();
    const [run] = await testRuns(t, 'running');
    expect(run!.abortedUs).not.toBeNull();
    expect(run!.finishedUs).toBeNull();
    const nextDone = await finished(t.client, next);
    expect(nextDone.state).toBe('COMPLETED');
    expect(Date.parse(nextDone.startedAt!)).toBeGreaterThanOrEqual(Date.parse(stopped.finishedAt!));
  });

  it('fails a task that ignores its signal with CANCEL_TIMEOUT after the grace, frees its resource, and refuses its later writes', async () => {
    // It sleeps on after the grace, while the next task on its resource runs and completes; then
    // it tries to record that it finished.
    const stubborn = await dispatchTestTask(t.client, { sleepMs: 4_000, exclusive: ['c:stubborn'], marker: 'stubborn', ignoreCancel: true });
    const next = await dispatchTestTask(t.client, { exclusive: ['c:stubborn'] });
    await stateReached(t, stubborn.id, 'RUNNING');
    const cancelledAt = Date.now();
    await cancel(stubborn.id);
    const failed = await finished(t.client, stubborn);
    expect(failed.state).toBe('FAILED');
    expect(failed.error?.code).toBe('CANCEL_TIMEOUT');
    expect(Date.parse(failed.finishedAt!) - cancelledAt).toBeGreaterThanOrEqual(CANCEL_GRACE_MS - 50);
    const [run] = await testRuns(t, 'stubborn');
    expect(run!.abortedUs).not.toBeNull();
    const nextDone = await finished(t.client, next);
    expect(nextDone.state).toBe('COMPLETED');
    expect(Date.parse(nextDone.finishedAt!)).toBeLessThan(run!.startedUs / 1000 + 4_000);

    await worker.logged('a write of the task was refused');
    expect(worker.output.find((line) => line.includes('a write of the task was refused'))).toContain(stubborn.id);
    const [after] = await testRuns(t, 'stubborn');
    expect(after!.finishedUs).toBeNull();
  });

  it('refuses to cancel a finished task (CONFLICT) or one that does not exist (NOT_FOUND)', async () => {
    const done = await finished(t.client, await dispatchTestTask(t.client, {}));
    const mutation = `mutation ($id: ID!) { cancelTask(id: $id) { id } }`;
    expect(await t.client.errorCode(mutation, { id: done.id })).toBe('CONFLICT');
    expect(await t.client.errorCode(mutation, { id: '01900000-0000-7000-8000-000000000000' })).toBe('NOT_FOUND');
  });
});

describe('cancelling a task group', () => {
  it('cancels its running and waiting tasks, and closes it to new tasks', async () => {
    const { createTestTaskGroup: group } = await t.client.data(`mutation { createTestTaskGroup(description: "to cancel") { id allTasksDispatched } }`);
    expect(group.allTasksDispatched).toBe(false);
    const runningA = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['g:a'], taskGroupId: group.id });
    const waitingA = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['g:a'], taskGroupId: group.id });
    const runningB = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['g:b'], taskGroupId: group.id });
    await Promise.all([stateReached(t, runningA.id, 'RUNNING'), stateReached(t, runningB.id, 'RUNNING')]);

    const { cancelTaskGroup } = await t.client.data(
      `mutation ($id: ID!) { cancelTaskGroup(id: $id) { allTasksDispatched } }`, { id: group.id });
    expect(cancelTaskGroup.allTasksDispatched).toBe(true);
    const ended = await Promise.all([runningA, waitingA, runningB].map((task) => finished(t.client, task)));
    expect(ended.map((task) => task.state)).toEqual(['CANCELED', 'CANCELED', 'CANCELED']);
    expect(ended[1]!.startedAt).toBeNull();

    const { taskGroup } = await t.client.data(
      `query ($id: ID!) { taskGroup(id: $id) { counts { canceled waiting running } tasks { totalCount } } }`, { id: group.id });
    expect(taskGroup).toEqual({ counts: { canceled: 3, waiting: 0, running: 0 }, tasks: { totalCount: 3 } });
    expect(await t.client.errorCode(
      `mutation ($g: ID!) { dispatchTestTask(sleepMs: 0, taskGroupId: $g) { id } }`, { g: group.id })).toBe('CONFLICT');
    expect(await t.client.errorCode(`mutation ($id: ID!) { cancelTaskGroup(id: $id) { id } }`, { id: group.id })).toBe('CONFLICT');
  });
});
