import { registerEnumType } from 'type-graphql';

/** What a user or group may do with one object, or with every object when granted globally. */
export enum Role {
  VIEWER = 'viewer',
  CONTRIBUTOR = 'contributor',
  OWNER = 'owner',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'viewer: see, list, download; contributor: also sync, modify, upload, publish, distribute; owner: also update, delete, manage roles.',
});

/** Each role includes every role before it. */
const RANK: Record<Role, number> = { [Role.VIEWER]: 1, [Role.CONTRIBUTOR]: 2, [Role.OWNER]: 3 };

export function rank(role: Role): number {
  return RANK[role];
}

/** What each role lets one do, as `myPermissions` names it. */
const PERMISSIONS: Record<Role, string[]> = {
  [Role.VIEWER]: ['view', 'list', 'download'],
  [Role.CONTRIBUTOR]: ['sync', 'modify', 'upload', 'publish', 'distribute'],
  [Role.OWNER]: ['update', 'delete', 'manage_roles'],
};

export function permissionsOf(highest: number): string[] {
  return Object.values(Role).filter((r) => RANK[r] <= highest).flatMap((r) => PERMISSIONS[r]);
}
