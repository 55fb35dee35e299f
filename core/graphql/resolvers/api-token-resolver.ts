import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { issueApiToken } from '../../access/issue-api-token.js';
import { Access } from '../../access/rules.js';
import { ApiToken } from '../../db/entities/api-token.js';
import { isUuid } from '../../db/uuid7.js';
import type { GraphQLContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { CreateApiTokenInput } from '../inputs/identity-inputs.js';

@ObjectType({ description: 'A new token and its secret, which is shown this once and never again.' })
export class CreatedApiToken {
  @Field(() => ApiToken)
  token!: ApiToken;

  @Field({ description: 'Send it as "Authorization: Bearer <secret>", or as the _authToken of an .npmrc.' })
  secret!: string;
}

/** The caller's own API tokens. */
@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @Query(() => [ApiToken], { description: "The caller's tokens, newest first." })
  @Access({ signedIn: true })
  apiTokens(@Ctx() ctx: GraphQLContext): Promise<ApiToken[]> {
    return ctx.em.find(ApiToken, { user: ctx.access.userId! }, { orderBy: { id: 'desc' } });
  }

  @Mutation(() => CreatedApiToken)
  @Access({ signedIn: true })
  async createApiToken(@Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() ctx: GraphQLContext): Promise<CreatedApiToken> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badInput('expiresAt must be in the future', 'expiresAt');
    return Object.assign(new CreatedApiToken(), await issueApiToken(ctx.em, ctx.access.userId!, { name: input.name, expiresAt: input.expiresAt }));
  }

  @Mutation(() => ApiToken, { description: 'Refuses the token from now on, in every process; sessions it opened close within seconds.' })
  @Access({ signedIn: true })
  async revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiToken> {
    const em = ctx.em.fork();
    const token = isUuid(id) ? await em.findOne(ApiToken, { id, user: ctx.access.userId! }) : null;
    if (!token) throw notFound('ApiToken', id);
    await em.removeAndFlush(token);
    return token;
  }
}
