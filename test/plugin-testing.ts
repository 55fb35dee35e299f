/**
 * What a plugin's tests may use of the core's test support, as `core/plugin-api.ts` is what its runtime code
 * may use of the core: everything else in `test/support/` may change. Tests only: runtime code never imports it.
 */

/** Starts Larder in-process on a fresh database and Redis prefix, with a GraphQL client; `stop()` removes both. */
export { startTestLarder, type TestLarder } from './support/test-larder.js';
/** A plain HTTP GraphQL client of one Larder: `data(query, variables)` fails the test on any GraphQL error. */
export { GraphQLClient } from './support/graphql-client.js';
/** Runs a mutation that returns a task and waits until the task is final; returns the task. */
export { runTask } from './support/content.js';
/** How many artifacts, contents and repository versions are stored. */
export { storedCounts } from './support/content.js';
/** Waits (by subscription) until a task is final, and returns it. */
export { finished, type TaskView } from './support/tasks.js';
/** An upstream on 127.0.0.1 (`Upstream.start()`), serving `route(path, handler)` and counting requests per path. */
export { Upstream } from './support/upstream.js';
/** A handler answering 200 with a body (and headers). */
export { serve } from './support/upstream.js';
/** Runs the built `larder <command>` as its own process with exactly the environment given (e.g. a bad setting). */
export { spawnLarder } from './support/larder-process.js';
/** Makes a user (as admin) with a token of theirs and a client signed in by it: `await makeUser(t.client, 'alice')`. */
export { makeUser, type TestUser } from './support/identities.js';
/** Grants a role to a user (as admin): `await grantRole(t.client, alice, 'VIEWER', repositoryId)`. */
export { grantRole } from './support/identities.js';
