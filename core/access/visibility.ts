import { raw } from '@mikro-orm/core';

// Which rows of each table a user may see, as SQL conditions a listing adds to its query (never
// fetched and then filtered).

/**
 * `what` of each role assignment the user holds, directly or through a group (those on one object
 * only, or also those granted globally): two index lookups, one per way of holding a role (an `or`
 * of the two would read every role assignment). `?` placeholders.
 */
export function heldAssignments(what: string, userId: string, scope: 'objects' | 'all' = 'objects'): { sql: string; params: unknown[] } {
  const onObjects = scope === 'objects' ? ' and ra.object_id is not null' : '';
  return {
    sql: `select ${what} from role_assignment ra where ra.user_id = ?${onObjects}
      union all select ${what} from group_member gm join role_assignment ra on ra.group_id = gm.group_id
      where gm.user_id = ?${onObjects}`,
    params: [userId, userId],
  };
}

/** The ids of the objects the user holds any role on. */
function grantedObjects(userId: string): { sql: string; params: unknown[] } {
  return heldAssignments('ra.object_id', userId);
}

/** The resource names (`repository:<id>`) of those objects, as tasks reserve them. */
function grantedResources(userId: string): { sql: string; params: unknown[] } {
  const names = heldAssignments(`ra.object_kind || ':' || ra.object_id`, userId);
  return { sql: `array(${names.sql})`, params: names.params };
}

/** Tables whose rows are seen through roles on objects, so that a role granted on every object shows them all. */
const SEEN_THROUGH_ROLES = new Set([
  'repository', 'remote', 'distribution', 'content_guard', 'repository_version', 'publication', 'content', 'artifact', 'task', 'task_group',
]);

/** Whether a role granted on every object changes what a user sees of `table` (else it need not be read). */
export function seenThroughRoles(table: string): boolean {
  return SEEN_THROUGH_ROLES.has(table);
}

/**
 * The condition for one table, or undefined for a table with no rule here (only admins see it).
 * `global`: the user holds a role on every object, so everything role-governed is visible.
 */
function conditionFor(table: string, userId: string, global: boolean): { sql: (alias: string) => string; params: unknown[] } | null | undefined {
  const granted = grantedObjects(userId);
  const resources = grantedResources(userId);
  // The granted ids as one array, made once per query: the table is then read by its index for
  // just those ids, however many rows it holds.
  const byRepository = (column: string) => ({ sql: (a: string) => `${a}.${column} = any(array(${granted.sql}))`, params: granted.params });
  switch (table) {
    case 'repository': case 'remote': case 'distribution': case 'content_guard':
      return global ? null : byRepository('id');
    case 'repository_version':
      return global ? null : byRepository('repository_id');
    case 'publication':
      return global ? null : {
        sql: (a) => `${a}.repository_version_id in (select v.id from repository_version v where v.repository_id in (${granted.sql}))`,
        params: granted.params,
      };
    case 'content':
      return global ? null : {
        sql: (a) => `${a}.id in (select rc.content_id from repository_content rc where rc.repository_id in (${granted.sql}))`,
        params: granted.params,
      };
    case 'artifact':
      return global ? null : {
        sql: (a) => `(${a}.id in (select ca.artifact_id from content_artifact ca join repository_content rc on rc.content_id = ca.content_id
          where rc.repository_id in (${granted.sql})) or ${a}.id in (select h.artifact_id from artifact_holder h where h.user_id = ?))`,
        params: [...granted.params, userId],
      };
    case 'task':
      return global ? null : {
        sql: (a) => `(${a}.user_id = ? or ${a}.exclusive_resources && ${resources.sql} or ${a}.shared_resources && ${resources.sql})`,
        params: [userId, ...resources.params, ...resources.params],
      };
    case 'task_group':
      return {
        sql: (a) => `${a}.id in (select t.task_group_id from task t where t.task_group_id is not null and `
          + (global ? 'true)' : `(t.user_id = ? or t.exclusive_resources && ${resources.sql} or t.shared_resources && ${resources.sql}))`),
        params: global ? [] : [userId, ...resources.params, ...resources.params],
      };
    // Anyone signed in may read who a user or group is (a task's dispatcher); listing them is for admins.
    case 'user_account': case 'user_group':
      return null;
    case 'upload': case 'api_token':
      return { sql: (a) => `${a}.user_id = ?`, params: [userId] };
    default:
      return undefined;
  }
}

/**
 * What `userId` may see of `table`, as a MikroORM condition made afresh by each call (raw
 * fragments are single-use). Admins see everything but other users' uploads and tokens.
 */
export function visibleRows(table: string, userId: string, admin: boolean, global: boolean): () => object {
  const own = table === 'upload' || table === 'api_token';
  if (admin && !own) return () => ({});
  const condition = conditionFor(table, userId, global);
  if (condition === null) return () => ({});
  // A raw key with `[]` is written as the bare condition. With `true` MikroORM writes `(…) = true`,
  // which keeps PostgreSQL from making an `in (subquery)` a semi-join: every row a page or a count
  // read was filtered (counting a user's content read all 200,000 rows: 23 ms, against 1.3 ms).
  if (condition === undefined) return () => ({ [raw('false')]: [] });
  return () => ({ [raw((alias: string) => `(${condition.sql(alias)})`, condition.params)]: [] });
}
