import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, TASK_FIELDS, type TaskView } from './support/tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  // Enough slots that only reservations, never a full worker, can make a task wait.
  t = await startTestLarder({ workers: 1, env: { LARDER_WORKER_CONCURRENCY: '8' } });
});
afterAll(async () => {
  await t?.stop();
});

interface Spec {
  sleepMs?: number;
  exclusive?: string[];
  shared?: string[];
  fail?: boolean;
}

async function dispatch(spec: Spec): Promise<TaskView> {
  const { dispatchTestTask } = await t.client.data(
    `mutation ($sleep: Int!, $ex: [String!], $sh: [String!], $fail: Boolean) {
       dispatchTestTask(sleepMs: $sleep, exclusiveResources: $ex, sharedResources: $sh, fail: $fail) { ${TASK_FIELDS} } }`,
    { sleep: spec.sleepMs ?? 150, ex: spec.exclusive ?? [], sh: spec.shared ?? [], fail: spec.fail ?? false },
  );
  return dispatchTestTask;
}

/** Dispatches in order, then waits for every task to end; returns their final rows. */
async function run(...specs: Spec[]): Promise<TaskView[]> {
  const tasks: TaskView[] = [];
  for (const spec of specs) tasks.push(await dispatch(spec));
  return Promise.all(tasks.map((task) => finished(t.client, task)));
}

const start = (task: TaskView) => Date.parse(task.startedAt!);
const end = (task: TaskView) => Date.parse(task.finishedAt!);
const overlap = (a: TaskView, b: TaskView) => start(a) < end(b) && start(b) < end(a);
const after = (later: TaskView, earlier: TaskView) => start(later) >= end(earlier);

let n = 0;
const resource = () => `test:resource-${++n}`;

describe('reservations', () => {
  it('runs two exclusive tasks on one resource one after the other, in dispatch order', async () => {
    const r = resource();
    const [a, b] = await run({ exclusive: [r] }, { exclusive: [r] });
    expect([a!.state, b!.state]).toEqual(['COMPLETED', 'COMPLETED']);
    expect(after(b!, a!)).toBe(true);
  });

  it('lets two shared tasks on one resource overlap', async () => {
    const r = resource();
    const [a, b] = await run({ shared: [r], sleepMs: 300 }, { shared: [r], sleepMs: 300 });
    expect(overlap(a!, b!)).toBe(true);
  });

  it('makes a shared task wait for an exclusive one, and an exclusive one for a shared one', async () => {
    const r = resource();
    const [ex, sh] = await run({ exclusive: [r] }, { shared: [r] });
    expect(after(sh!, ex!)).toBe(true);
    const s = resource();
    const [sh2, ex2] = await run({ shared: [s] }, { exclusive: [s] });
    expect(after(ex2!, sh2!)).toBe(true);
  });

  it('runs tasks on disjoint resources at the same time', async () => {
    const [a, b] = await run({ exclusive: [resource()], sleepMs: 300 }, { exclusive: [resource()], sleepMs: 300 });
    expect(overlap(a!, b!)).toBe(true);
  });

  it('starts a shared task queued behind a waiting exclusive one only after it (writers never starve)', async () => {
    const r = resource();
    const [reader1, writer, reader2] = await run({ shared: [r], sleepMs: 300 }, { exclusive: [r] }, { shared: [r] });
    expect(after(writer!, reader1!)).toBe(true);
    expect(after(reader2!, writer!)).toBe(true);
  });

  it('holds every resource of a task: one on A and B waits for one on A and one on B', async () => {
    const a = resource();
    const b = resource();
    const [onA, onB, onBoth] = await run({ exclusive: [a], sleepMs: 200 }, { exclusive: [b], sleepMs: 300 }, { exclusive: [a, b] });
    expect(overlap(onA!, onB!)).toBe(true);
    expect(after(onBoth!, onA!) && after(onBoth!, onB!)).toBe(true);
  });

  it('records a failing task as FAILED with its error and still runs the next task on its resource', async () => {
    const r = resource();
    const [failing, next] = await run({ exclusive: [r], fail: true, sleepMs: 50 }, { exclusive: [r], sleepMs: 10 });
    expect(failing!.state).toBe('FAILED');
    expect(failing!.error).toEqual({ description: 'the test task failed as asked', code: 'TEST_FAILURE' });
    expect(next!.state).toBe('COMPLETED');
    expect(after(next!, failing!)).toBe(true);
  });

  it('keeps dispatch order for many tasks queued on one resource', async () => {
    const r = resource();
    const tasks = await run(...Array.from({ length: 12 }, () => ({ exclusive: [r], sleepMs: 5 })));
    for (let i = 1; i < tasks.length; i++) expect(after(tasks[i]!, tasks[i - 1]!)).toBe(true);
  });

  it('keeps the order of tasks dispatched together, in one transaction', async () => {
    const r = resource();
    // Every third one shared: it must still wait for the exclusive one before it, and the next
    // exclusive one for it.
    const dispatched = await t.larder.tasks.dispatchMany(Array.from({ length: 12 }, (_, i) => ({
      name: 'core.test',
      args: { sleepMs: 5, fail: false },
      options: i % 3 === 2 ? { sharedResources: [r] } : { exclusiveResources: [r] },
    })));
    const tasks = await Promise.all(dispatched.map((task) => finished(t.client, task)));
    expect(tasks.map((task) => task.state)).toEqual(tasks.map(() => 'COMPLETED'));
    for (let i = 1; i < tasks.length; i++) expect(after(tasks[i]!, tasks[i - 1]!)).toBe(true);
  });

  it('lists tasks by the resource they reserve', async () => {
    const r = resource();
    await run({ exclusive: [r], sleepMs: 0 }, { shared: [r], sleepMs: 0 }, { shared: [resource()], sleepMs: 0 });
    const { tasks } = await t.client.data(
      `query ($r: String!) { tasks(filter: { reservedResource: $r, state: { eq: COMPLETED } }) { totalCount nodes { name } } }`,
      { r },
    );
    expect(tasks.totalCount).toBe(2);
  });
});
