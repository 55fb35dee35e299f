import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ContentGuard } from '../../db/entities/content-guard.js';
import { Distribution } from '../../db/entities/distribution.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';

/** `distribution(id)` and `distributions` across every plugin's types. */
@Resolver(() => Distribution)
export class DistributionResolver extends createReadResolver({ entity: Distribution }) {
  @FieldResolver(() => String, { description: 'Where the content app serves this distribution.' })
  baseUrl(@Root() distribution: Distribution, @Ctx() ctx: GraphQLContext): string {
    return `${ctx.services.publicUrl()}/content/${distribution.basePath}/`;
  }

  @FieldResolver(() => ContentGuard, { nullable: true, description: 'The content guard downloads need: null when there is none, or the caller may not see it.' })
  contentGuard(@Root() distribution: Distribution, @Ctx() ctx: GraphQLContext): Promise<ContentGuard | null> {
    return ctx.loaders.load(ContentGuard, distribution.contentGuard?.id);
  }
}
