import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { objectKindOf } from '../../access/objects.js';
import { permissionsOf, rank, Role } from '../../access/roles.js';
import { Access, grantableArg, type AccessRule } from '../../access/rules.js';
import { Group } from '../../db/entities/group.js';
import { RoleAssignment } from '../../db/entities/role-assignment.js';
import { User } from '../../db/entities/user.js';
import { isUuid } from '../../db/uuid7.js';
import type { GraphQLContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { RoleAssignmentInput } from '../inputs/identity-inputs.js';

/** Managing an object's roles needs `owner` on it; a global role, an admin. */
const MANAGE: AccessRule = { role: Role.OWNER, on: grantableArg('input.objectId'), unnamed: { admin: true } };

/** Who holds which role where. */
@Resolver(() => RoleAssignment)
export class RoleResolver {
  @Mutation(() => RoleAssignment, { description: 'Grants the role (at once; granting a held role again changes nothing).' })
  @Access(MANAGE)
  async grantRole(@Arg('input', () => RoleAssignmentInput) input: RoleAssignmentInput, @Ctx() ctx: GraphQLContext): Promise<RoleAssignment> {
    const holder = await holderOf(ctx, input);
    const objectKind = input.objectId ? await objectKindOf(ctx.em, input.objectId) : null;
    // An admin passes the access rule for any id; a role on nothing would be held on nothing.
    if (input.objectId && !objectKind) throw notFound('Object', input.objectId);
    const where = { role: input.role, ...holder, objectId: input.objectId ?? null };
    for (;;) {
      const em = ctx.em.fork();
      const held = await em.findOne(RoleAssignment, where);
      if (held) return held;
      try {
        const assignment = em.create(RoleAssignment, { ...where, objectKind });
        await em.flush();
        return assignment;
      } catch (error) {
        // Granted by another request meanwhile: read it (or, revoked meanwhile too, grant it again).
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
      }
    }
  }

  @Mutation(() => Boolean, { description: 'Revokes the role, at once; false when it was not held.' })
  @Access(MANAGE)
  async revokeRole(@Arg('input', () => RoleAssignmentInput) input: RoleAssignmentInput, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const holder = await holderOf(ctx, input);
    return (await ctx.em.nativeDelete(RoleAssignment, { role: input.role, ...holder, objectId: input.objectId ?? null })) > 0;
  }

  @Query(() => [RoleAssignment], { description: 'The roles granted on the object (needs owner on it).' })
  @Access({ role: Role.OWNER, on: grantableArg('objectId') })
  roleAssignments(@Arg('objectId', () => ID) objectId: string, @Ctx() ctx: GraphQLContext): Promise<RoleAssignment[]> {
    return ctx.em.find(RoleAssignment, { objectId }, { orderBy: { id: 'asc' } });
  }

  @Query(() => [String], { description: "What the caller may do with the object: view, list, download, sync, modify, upload, publish, distribute, update, delete, manage_roles (none when it may not see it)." })
  @Access({ signedIn: true })
  async myPermissions(@Arg('objectId', () => ID) objectId: string, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    if (!isUuid(objectId) || !(await objectKindOf(ctx.em, objectId))) return [];
    return permissionsOf(ctx.access.isAdmin ? rank(Role.OWNER) : await ctx.access.rankOn(objectId));
  }

  @FieldResolver(() => User, { nullable: true })
  user(@Root() assignment: RoleAssignment, @Ctx() ctx: GraphQLContext): Promise<User | null> {
    return ctx.loaders.load(User, assignment.user?.id);
  }

  @FieldResolver(() => Group, { nullable: true })
  group(@Root() assignment: RoleAssignment, @Ctx() ctx: GraphQLContext): Promise<Group | null> {
    return ctx.loaders.load(Group, assignment.group?.id);
  }
}

async function holderOf(ctx: GraphQLContext, input: RoleAssignmentInput): Promise<{ user: string } | { group: string }> {
  if (Boolean(input.userId) === Boolean(input.groupId)) throw badInput('Give exactly one of userId and groupId');
  if (input.userId) {
    if (!isUuid(input.userId) || !(await ctx.em.count(User, { id: input.userId }))) throw notFound('User', input.userId);
    return { user: input.userId };
  }
  if (!isUuid(input.groupId!) || !(await ctx.em.count(Group, { id: input.groupId! }))) throw notFound('Group', input.groupId!);
  return { group: input.groupId! };
}
