import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Publication } from '../../db/entities/publication.js';
import { RepositoryVersion } from '../../db/entities/repository-version.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';

/** `publication(id)` and `publications` across every plugin's types; only complete ones are visible. */
@Resolver(() => Publication)
export class PublicationResolver extends createReadResolver({ entity: Publication, scope: { complete: true } }) {
  @FieldResolver(() => RepositoryVersion)
  async repositoryVersion(@Root() publication: Publication, @Ctx() ctx: GraphQLContext): Promise<RepositoryVersion> {
    return (await ctx.loaders.load(RepositoryVersion, publication.repositoryVersion.id))!;
  }
}
