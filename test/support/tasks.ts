import type { GraphQLClient } from './graphql-client.js';

export const TASK_FIELDS = `id name state createdAt startedAt finishedAt worker exclusiveResources sharedResources
  createdResources error { description code } progressReports { code message state total done }`;

export interface TaskView {
  id: string;
  name: string;
  state: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  worker: string | null;
  exclusiveResources: string[];
  sharedResources: string[];
  createdResources: string[];
  error: { description: string; code: string | null } | null;
}

/** Follows a task over the `taskUpdated` subscription and returns every state it reported. */
export async function followTask(client: GraphQLClient, id: string): Promise<TaskView[]> {
  const events = await client.subscribeUntilComplete<{ taskUpdated: TaskView }>(
    `subscription ($id: ID!) { taskUpdated(id: $id) { ${TASK_FIELDS} } }`,
    { id },
  );
  return events.map((e) => e.taskUpdated);
}

/** Waits (by subscription, not by polling) until the task is final; returns its final row. */
export async function finished(client: GraphQLClient, task: { id: string }): Promise<TaskView> {
  const events = await followTask(client, task.id);
  return events.at(-1)!;
}
