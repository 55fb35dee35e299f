import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished } from './support/tasks.js';
import { dispatchTestTask, stateReached } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

const QUEUED = 10_000;

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 1 });
});
afterAll(async () => {
  await t?.stop();
});

describe('a long queue on one resource', () => {
  it(`does not delay a task on another resource: with ${QUEUED} tasks queued on A, one on B starts within 100 ms`, async () => {
    const head = await dispatchTestTask(t.client, { sleepMs: 60_000, exclusive: ['hol:A'] });
    await stateReached(t, head.id, 'RUNNING');
    // The rest of the queue in bulk, in dispatch order, through the dispatcher a resolver uses.
    await t.larder.tasks.dispatchMany(Array.from({ length: QUEUED - 1 }, () => ({
      name: 'core.test', args: { sleepMs: 0, fail: false }, options: { exclusiveResources: ['hol:A'] },
    })));
    const [{ waiting }] = await t.sql<{ waiting: number }>(
      `select count(*)::int as waiting from task where state = 'WAITING' and 'hol:A' = any(exclusive_resources)`);
    expect(waiting).toBe(QUEUED - 1);

    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const onB = await finished(t.client, await dispatchTestTask(t.client, { exclusive: [`hol:B${i}`] }));
      expect(onB.state).toBe('COMPLETED');
      delays.push(Date.parse(onB.startedAt!) - Date.parse(onB.createdAt));
    }
    // Timed on a machine other test files load too: the typical start must be fast, and none slow.
    delays.sort((a, b) => a - b);
    expect(delays[2]).toBeLessThanOrEqual(100);
    expect(delays[4]).toBeLessThanOrEqual(1_000);
  });
});
