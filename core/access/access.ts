import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';
import { actingAs } from './acting-user.js';
import { ForbiddenFailure, NotFoundFailure, UnauthenticatedFailure } from '../expected-failure.js';
import { entityKind } from '../tasking/resources.js';
import type { Caller } from './caller.js';
import { EVERY_RESOURCE, heldResourcesOf, NO_RESOURCES, type HeldResources } from './held-resources.js';
import { TaskDetails } from './task-details.js';
import { rank, Role } from './roles.js';
import type { AccessRule, ObjectRef } from './rules.js';
import { seenThroughRoles, visibleRows } from './visibility.js';

const RANK_SQL = `coalesce(max(case ra.role when 'viewer' then 1 when 'contributor' then 2 when 'owner' then 3 end), 0)::int as rank`;
/** A user id no user has: what an anonymous caller holds roles and memberships as. */
const NO_ONE = '00000000-0000-0000-0000-000000000000';
const HOLDS = '(ra.user_id = ? or ra.group_id in (select gm.group_id from group_member gm where gm.user_id = ?))';

/**
 * The authorization hook: one per request (or task), for one caller. Every root operation's
 * rule is decided here (`decide`), every read and list is limited by the condition it gives
 * (`visible`), and every object check asks `rankOn`. Nothing is cached beyond the request, so a
 * grant or revocation takes effect with the next request.
 */
export class CallerAccess {
  private global: Promise<number> | null = null;
  private details: TaskDetails | null = null;

  /** `refused`: the request carried credentials that were refused (every operation is then UNAUTHENTICATED). */
  constructor(readonly caller: Caller | null, private readonly em: EntityManager, readonly refused: string | null = null) {}

  get userId(): string | null {
    return this.caller?.userId ?? null;
  }

  get isAdmin(): boolean {
    return this.caller?.isAdmin ?? false;
  }

  /** The highest role the caller holds on every object (0: none). */
  globalRank(): Promise<number> {
    if (!this.caller) return Promise.resolve(0);
    return (this.global ??= this.rankQuery('ra.object_id is null', []));
  }

  /** What of a task the caller is shown (the roles that takes are read at most once per request). */
  get taskDetails(): TaskDetails {
    return (this.details ??= new TaskDetails(this.userId, () => this.heldResources()));
  }

  private heldResources(): Promise<HeldResources> {
    if (!this.caller) return Promise.resolve(NO_RESOURCES);
    if (this.caller.isAdmin) return Promise.resolve(EVERY_RESOURCE);
    return heldResourcesOf({ em: this.em }, this.caller.userId);
  }

  /** The highest role the caller holds on any of these objects, globally granted roles included (0: none), in one query. */
  async rankOn(...objectIds: string[]): Promise<number> {
    if (!this.caller) return 0;
    if (this.caller.isAdmin) return rank(Role.OWNER);
    return this.rankQuery('(ra.object_id = any(?::uuid[]) or ra.object_id is null)', [objectIds]);
  }

  private async rankQuery(where: string, params: unknown[]): Promise<number> {
    const [row] = await emSql<{ rank: number }>(this.em,
      `select ${RANK_SQL} from role_assignment ra where ${where} and ${HOLDS}`, [...params, this.userId, this.userId]);
    return row?.rank ?? 0;
  }

  /** The condition a query of `entity` adds so that it finds only what the caller may see. */
  async visible(entity: EntityClass<unknown>): Promise<() => object> {
    return this.visibleIn(entityKind(this.em, entity));
  }

  async visibleIn(table: string): Promise<() => object> {
    if (!this.caller) return visibleRows(table, NO_ONE, false, false);
    const global = !this.caller.isAdmin && seenThroughRoles(table) && (await this.globalRank()) >= rank(Role.VIEWER);
    return visibleRows(table, this.caller.userId, this.caller.isAdmin, global);
  }

  /**
   * Whose account the caller may see beyond who they are (their groups, when they last signed in):
   * everyone's (null) for an admin, otherwise their own only. Like the lists of users and groups,
   * that is for admins; anyone signed in may read who a user is (a task's dispatcher).
   */
  accountShown(): string | null {
    if (this.caller?.isAdmin) return null;
    return this.caller?.userId ?? NO_ONE;
  }

  /**
   * Decides one root operation: returns the permission it needed (recorded on the tasks it
   * dispatches, see Actor), or throws UNAUTHENTICATED, FORBIDDEN, or NOT_FOUND for an object the
   * caller may not see (its existence is not told).
   */
  async decide(rule: AccessRule, args: Record<string, unknown>, locateIn: EntityManager, type: string): Promise<string> {
    if (this.refused !== null) throw new UnauthenticatedFailure(`The credentials were refused: ${this.refused}`);
    if ('anyone' in rule) return 'anyone';
    if (!this.caller) throw new UnauthenticatedFailure();
    if ('signedIn' in rule) return 'signed-in';
    if ('admin' in rule) {
      if (this.caller.isAdmin) return 'admin';
      throw new ForbiddenFailure('Only an admin may do this');
    }
    if ('global' in rule) {
      if (this.caller.isAdmin) return rule.global;
      if ((await this.globalRank()) >= rank(rule.global)) return rule.global;
      throw new ForbiddenFailure(`This needs the ${rule.global} role granted on every object`);
    }
    const object = await rule.on(args, locateIn);
    if (object === undefined && rule.unnamed) return this.decide(rule.unnamed, args, locateIn, type);
    // An admin passes; the permission is still the object's, so that its holders may cancel what the admin dispatched.
    if (this.caller.isAdmin) return object ? `${rule.role}@${object.kind}:${object.id}` : 'admin';
    const named = rule.on.named?.(args) ?? { type, id: String(args.id ?? '') };
    return this.requireRole(rule.role, object ?? null, named.type, named.id);
  }

  /**
   * `role` on `object`; NOT_FOUND when the caller may not even see it, naming `type` and `id`: what
   * they asked for, which is not the object when it was found through it (a version's repository).
   */
  async requireRole(role: Role, object: ObjectRef | null, type: string, id = object?.id ?? ''): Promise<string> {
    const held = object ? await this.rankOn(object.id) : 0;
    if (held < rank(Role.VIEWER)) throw new NotFoundFailure(type, id);
    if (held < rank(role)) throw new ForbiddenFailure(`This needs the ${role} role on ${object!.kind} ${object!.id}`);
    return `${role}@${object!.kind}:${object!.id}`;
  }

  /** Runs `work` acting for the caller with `permission` (a route's dispatches are recorded as theirs). */
  act<T>(permission: string, work: () => T): T {
    return actingAs({ userId: this.userId, permission }, work);
  }

  /** Whether the caller holds, now, a permission a dispatch recorded (see `decide`). */
  async holds(permission: string | null, dispatcher: string | null): Promise<boolean> {
    if (!this.caller) return false;
    if (this.caller.isAdmin) return true;
    if (permission === null || permission === 'admin') return false;
    if (permission === 'anyone' || permission === 'signed-in') return dispatcher === this.caller.userId;
    const [role, object] = permission.split('@') as [Role, string | undefined];
    if (object === undefined) return (await this.globalRank()) >= rank(role);
    return (await this.rankOn(object.slice(object.indexOf(':') + 1))) >= rank(role);
  }
}
