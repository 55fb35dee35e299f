import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { hashPassword } from '../../access/passwords.js';
import { Access } from '../../access/rules.js';
import { Group } from '../../db/entities/group.js';
import { User } from '../../db/entities/user.js';
import { isUuid } from '../../db/uuid7.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';
import { membershipsOf } from '../memberships.js';
import { conflict, notFound } from '../errors.js';
import { CreateUserInput, UpdateUserInput } from '../inputs/identity-inputs.js';

const UserRead = createReadResolver({ entity: User, read: { admin: true } });

/** Users: `me` for anyone, the rest for admins. */
@Resolver(() => User)
export class UserResolver extends UserRead {
  @Query(() => User, { nullable: true, description: 'The signed-in caller; null when anonymous.' })
  @Access({ anyone: true })
  me(@Ctx() ctx: GraphQLContext): Promise<User | null> {
    return ctx.loaders.load(User, ctx.access.userId);
  }

  @FieldResolver()
  lastLoginAt(@Root() user: User, @Ctx() ctx: GraphQLContext): Date | null {
    const shown = ctx.access.accountShown();
    return shown === null || shown === user.id ? (user.lastLoginAt ?? null) : null;
  }

  @FieldResolver(() => [Group], { description: 'Its groups, as far as the caller may see memberships: an admin all, anyone else their own.' })
  groups(@Root() user: User, @Ctx() ctx: GraphQLContext): Promise<Group[]> {
    return membershipsOf(ctx, Group, 'users', 'name', user.id);
  }

  @Mutation(() => User)
  @Access({ admin: true })
  async createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: GraphQLContext): Promise<User> {
    if (await ctx.em.count(User, { username: input.username })) throw conflict(`A user named ${input.username} exists already`);
    const em = ctx.em.fork();
    const user = em.create(User, {
      username: input.username, displayName: input.displayName ?? null, isAdmin: input.isAdmin ?? false,
      passwordHash: await hashPassword(input.password),
    });
    await em.flush();
    return user;
  }

  @Mutation(() => User)
  @Access({ admin: true })
  async updateUser(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateUserInput) input: UpdateUserInput, @Ctx() ctx: GraphQLContext): Promise<User> {
    const em = ctx.em.fork();
    const user = isUuid(id) ? await em.findOne(User, { id }) : null;
    if (!user) throw notFound('User', id);
    if (input.isAdmin === false && user.isAdmin) await keepAnAdmin(ctx, id);
    if (input.password) user.passwordHash = await hashPassword(input.password);
    if (input.displayName !== undefined) user.displayName = input.displayName;
    if (typeof input.isAdmin === 'boolean') user.isAdmin = input.isAdmin;
    await em.flush();
    return user;
  }

  @Mutation(() => Boolean, { description: 'Deletes the user with their tokens, group memberships and roles.' })
  @Access({ admin: true })
  async deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const user = isUuid(id) ? await ctx.em.findOne(User, { id }) : null;
    if (!user) throw notFound('User', id);
    if (user.isAdmin) await keepAnAdmin(ctx, id);
    await ctx.em.nativeDelete(User, { id });
    return true;
  }
}

/** Larder never loses its last admin: nobody could manage users any more. */
async function keepAnAdmin(ctx: GraphQLContext, leaving: string): Promise<void> {
  if (!(await ctx.em.count(User, { isAdmin: true, id: { $ne: leaving } }))) throw conflict('This is the last admin: make another user admin first');
}
