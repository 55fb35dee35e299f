import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { dispatchTestTask } from './support/test-tasks.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 0 });
  const { createFileRemote: remote } = await t.client.data(`mutation { createFileRemote(input: { name: "shared", url: "http://127.0.0.1:9/" }) { id } }`);
  for (let i = 0; i < 30; i++) {
    await t.client.data(`mutation ($input: CreateFileRepositoryInput!) { createFileRepository(input: $input) { id } }`, {
      input: { name: `repo-${String(i).padStart(2, '0')}`, remoteId: remote.id },
    });
  }
  // No worker: the tasks wait, which is all a listing needs.
  for (let i = 0; i < 10; i++) {
    const { createTestTaskGroup: group } = await t.client.data(`mutation { createTestTaskGroup(description: "group ${i}") { id } }`);
    for (let j = 0; j < 3; j++) await dispatchTestTask(t.client, { taskGroupId: group.id, exclusive: [`group:${i}:${j}`] });
  }
});
afterAll(async () => {
  await t?.stop();
});

/** SQL statements the server runs while answering one request. */
async function statements(query: string): Promise<number> {
  const knex = t.larder.orm.em.getConnection().getKnex();
  let count = 0;
  const onQuery = () => count++;
  knex.on('query', onQuery);
  try {
    await t.client.data(query);
  } finally {
    knex.off('query', onQuery);
  }
  return count;
}

const page = (first: number) => `{
  fileRepositories(first: ${first}, orderBy: [{ field: NAME }]) {
    totalCount
    nodes {
      name remote { name }
      latestVersion { number contentSummary { present { type count } } repository { name } }
      versions(first: 5) { totalCount nodes { number baseVersion { number } } }
    }
  }
  repositories(first: ${first}) { nodes { name ... on FileRepository { remote { url } } } }
}`;

it('answers a page of 30 with as many SQL statements as a page of 2', async () => {
  const small = await statements(page(2));
  const large = await statements(page(30));
  expect(small).toBeGreaterThan(0);
  expect(large).toBe(small);
});

it('answers task groups with their tasks with as many SQL statements for ten groups as for two', async () => {
  const groups = (first: number) => `{
    taskGroups(first: ${first}) { nodes { description counts { waiting } tasks(first: 2) { totalCount nodes { state } } } }
  }`;
  const small = await statements(groups(2));
  const large = await statements(groups(10));
  expect(small).toBeGreaterThan(0);
  expect(large).toBe(small);
});
