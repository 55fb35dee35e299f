import type { WithEntityManager } from '../db/sql.js';
import { OBJECT_KINDS } from './objects.js';
import { heldAssignments } from './visibility.js';

/**
 * The objects a user holds roles on, directly or through a group, named as tasks name what they
 * reserve (`repository:<id>`); `everything` when one of the roles is held on every object.
 */
export interface HeldResources {
  everything: boolean;
  resources: ReadonlySet<string>;
}

/** How long a live stream may keep the roles it read: a grant or revocation shows in it within this. */
export const ROLES_REFRESH_MS = 2_000;

export const NO_RESOURCES: HeldResources = { everything: false, resources: new Set() };
export const EVERY_RESOURCE: HeldResources = { everything: true, resources: new Set() };

export async function heldResourcesOf(db: WithEntityManager, userId: string): Promise<HeldResources> {
  const held = heldAssignments(`case when ra.object_id is null then null else ra.object_kind || ':' || ra.object_id end as resource`, userId, 'all');
  const rows: Array<{ resource: string | null }> = await db.em.getConnection().execute(held.sql, held.params);
  return {
    everything: rows.some((r) => r.resource === null),
    resources: new Set(rows.flatMap((r) => (r.resource === null ? [] : [r.resource]))),
  };
}

const OBJECT_RESOURCE = new RegExp(`^(?:${OBJECT_KINDS.join('|')}):`);

/** Whether the holder may see what a resource name names; a name of no object (`base-path:…`) hides nothing. */
export function showsResource(held: HeldResources, name: string): boolean {
  return held.everything || !OBJECT_RESOURCE.test(name) || held.resources.has(name);
}
