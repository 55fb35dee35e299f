import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { contentSummaries, inVersion } from '../../content/version-content.js';
import { Repository } from '../../db/entities/repository.js';
import { RepositoryVersion } from '../../db/entities/repository-version.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';
import { ContentSummary } from '../types/content-summary.js';
import { OrderDirection } from '../types/operator-filters.js';
import { ContentResolver } from './content-resolver.js';

const VersionRead = createReadResolver({
  entity: RepositoryVersion,
  scope: { complete: true },
  listing: { defaultOrder: [{ field: 'number', direction: OrderDirection.DESC }] },
});

@Resolver(() => RepositoryVersion)
export class RepositoryVersionResolver extends VersionRead {
  @FieldResolver(() => Repository)
  async repository(@Root() version: RepositoryVersion, @Ctx() ctx: GraphQLContext): Promise<Repository> {
    return (await ctx.loaders.load(Repository, version.repository.id))!;
  }

  @FieldResolver(() => RepositoryVersion, { nullable: true })
  baseVersion(@Root() version: RepositoryVersion, @Ctx() ctx: GraphQLContext): Promise<RepositoryVersion | null> {
    return ctx.loaders.load(RepositoryVersion, version.baseVersion?.id);
  }

  @FieldResolver(() => ContentSummary)
  contentSummary(@Root() version: RepositoryVersion, @Ctx() ctx: GraphQLContext): Promise<ContentSummary> {
    return ctx.loaders.custom<string, ContentSummary>('contentSummary', (ids) => contentSummaries(ctx.em, ids)).load(version.id);
  }

  @FieldResolver(() => ContentResolver.listing.Connection)
  content(
    @Root() version: RepositoryVersion,
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => ContentResolver.listing.Filter, { nullable: true }) filter?: Record<string, unknown>,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return ContentResolver.listing.list(ctx.em, { filter, first, after }, () => inVersion(version.repository.id, version.number));
  }
}
