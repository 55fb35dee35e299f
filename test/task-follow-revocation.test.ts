import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeUser } from './support/identities.js';
import { dispatchTestTask } from './support/test-tasks.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder();
});
afterAll(async () => {
  await t?.stop();
});

/** How long a live stream may keep the roles it read (core/access/task-visibility.ts). */
const ROLES_REFRESH_MS = 2_000;

it('a taskUpdated stream ends, telling nothing more, once its follower may no longer see the task', async () => {
  const ann = await makeUser(t.client, 'ann');
  const { createFileRepository: repo } = await t.client.data(`mutation { createFileRepository(input: { name: "watched" }) { id } }`);
  const grant = { role: 'VIEWER', userId: ann.id, objectId: repo.id };
  await t.client.data(`mutation ($input: RoleAssignmentInput!) { grantRole(input: $input) { id } }`, { input: grant });
  const task = await dispatchTestTask(t.client, { sleepMs: 3_600_000, exclusive: [`repository:${repo.id}`] });

  const seen: string[] = [];
  let first!: () => void;
  const subscribed = new Promise<void>((resolve) => (first = resolve));
  const followed = (async () => {
    for await (const { data, errors } of ann.client.subscription<{ taskUpdated: { state: string } }>(
      `subscription ($id: ID!) { taskUpdated(id: $id) { state } }`, { id: task.id })) {
      expect(errors).toBeUndefined();
      seen.push(data!.taskUpdated.state);
      first();
    }
  })();
  await subscribed;
  await t.client.data(`mutation ($input: RoleAssignmentInput!) { revokeRole(input: $input) }`, { input: grant });
  // Nothing announces that the stream re-read its roles: wait out the period it may keep them.
  await new Promise((resolve) => setTimeout(resolve, ROLES_REFRESH_MS + 500));
  await t.client.data(`mutation ($id: ID!) { cancelTask(id: $id) { id } }`, { id: task.id });
  await followed;

  expect(seen[0]).toMatch(/WAITING|RUNNING/);
  expect(seen).not.toContain('CANCELED');
  await ann.client.close();
});
