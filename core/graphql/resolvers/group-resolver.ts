import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Access } from '../../access/rules.js';
import { Group } from '../../db/entities/group.js';
import { User } from '../../db/entities/user.js';
import { emSql } from '../../db/sql.js';
import { isUuid } from '../../db/uuid7.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';
import { membershipsOf } from '../memberships.js';
import { conflict, notFound } from '../errors.js';
import { CreateGroupInput } from '../inputs/identity-inputs.js';

const GroupRead = createReadResolver({ entity: Group, read: { admin: true } });

/** Groups of users, managed by admins: a role granted to a group is held by each member. */
@Resolver(() => Group)
export class GroupResolver extends GroupRead {
  @FieldResolver(() => [User], { description: 'Its members, as far as the caller may see memberships: an admin all, anyone else themselves.' })
  users(@Root() group: Group, @Ctx() ctx: GraphQLContext): Promise<User[]> {
    return membershipsOf(ctx, User, 'groups', 'username', group.id);
  }

  @Mutation(() => Group)
  @Access({ admin: true })
  async createGroup(@Arg('input', () => CreateGroupInput) input: CreateGroupInput, @Ctx() ctx: GraphQLContext): Promise<Group> {
    if (await ctx.em.count(Group, { name: input.name })) throw conflict(`A group named ${input.name} exists already`);
    const em = ctx.em.fork();
    const group = em.create(Group, { name: input.name });
    await em.flush();
    return group;
  }

  @Mutation(() => Boolean, { description: 'Deletes the group and the roles granted to it.' })
  @Access({ admin: true })
  async deleteGroup(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    if (!isUuid(id) || !(await ctx.em.nativeDelete(Group, { id }))) throw notFound('Group', id);
    return true;
  }

  @Mutation(() => Group)
  @Access({ admin: true })
  async addGroupMember(@Arg('groupId', () => ID) groupId: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<Group> {
    const group = await existing(ctx, groupId, userId);
    await emSql(ctx.em, 'insert into group_member (group_id, user_id) values (?, ?) on conflict do nothing', [groupId, userId]);
    return group;
  }

  @Mutation(() => Group)
  @Access({ admin: true })
  async removeGroupMember(@Arg('groupId', () => ID) groupId: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<Group> {
    const group = await existing(ctx, groupId, userId);
    await emSql(ctx.em, 'delete from group_member where group_id = ? and user_id = ?', [groupId, userId]);
    return group;
  }
}

async function existing(ctx: GraphQLContext, groupId: string, userId: string): Promise<Group> {
  const group = isUuid(groupId) ? await ctx.em.findOne(Group, { id: groupId }) : null;
  if (!group) throw notFound('Group', groupId);
  if (!isUuid(userId) || !(await ctx.em.count(User, { id: userId }))) throw notFound('User', userId);
  return group;
}
