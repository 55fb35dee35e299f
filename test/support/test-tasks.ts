import type { GraphQLClient } from './graphql-client.js';
import { TASK_FIELDS, type TaskView } from './tasks.js';
import { until } from './wait.js';

export interface TestTaskSpec {
  sleepMs?: number;
  exclusive?: string[];
  shared?: string[];
  fail?: boolean;
  taskGroupId?: string;
  marker?: string;
  ignoreCancel?: boolean;
  children?: number;
  incompleteVersionOf?: string;
  lateFile?: string;
}

/** Dispatches the test task (LARDER_TEST_TASKS=1) through the API, as a client would. */
export async function dispatchTestTask(client: GraphQLClient, spec: TestTaskSpec): Promise<TaskView> {
  const { dispatchTestTask } = await client.data(
    `mutation ($sleepMs: Int!, $exclusive: [String!], $shared: [String!], $fail: Boolean, $taskGroupId: ID, $marker: String,
               $ignoreCancel: Boolean, $children: Int, $incompleteVersionOf: ID, $lateFile: String) {
       dispatchTestTask(sleepMs: $sleepMs, exclusiveResources: $exclusive, sharedResources: $shared, fail: $fail,
                        taskGroupId: $taskGroupId, marker: $marker, ignoreCancel: $ignoreCancel, children: $children,
                        incompleteVersionOf: $incompleteVersionOf, lateFile: $lateFile) { ${TASK_FIELDS} } }`,
    { sleepMs: 0, ...spec },
  );
  return dispatchTestTask;
}

/** One run of a test task's body, as the task recorded it (microseconds, the database's clock). */
export interface TestRun {
  taskId: string;
  startedUs: number;
  finishedUs: number | null;
  abortedUs: number | null;
}

interface Database {
  sql<Row>(text: string, values?: unknown[]): Promise<Row[]>;
}

/** Every recorded run of the bodies of test tasks dispatched with this marker. */
export function testRuns(db: Database, marker: string): Promise<TestRun[]> {
  return db.sql<TestRun>(
    `select task_id as "taskId",
       (extract(epoch from started_at) * 1e6)::float8 as "startedUs",
       (extract(epoch from finished_at) * 1e6)::float8 as "finishedUs",
       (extract(epoch from aborted_at) * 1e6)::float8 as "abortedUs"
     from larder_test_task_run where marker = $1 order by id`,
    [marker],
  );
}

/** Waits (polling PostgreSQL, with a deadline) until the task is in `state`. */
export function stateReached(db: Database, taskId: string, state: string, timeoutMs?: number): Promise<true> {
  return until(`task ${taskId} to be ${state}`, async () => {
    const [row] = await db.sql<{ state: string }>('select state from task where id = $1', [taskId]);
    return row?.state === state;
  }, timeoutMs) as Promise<true>;
}
