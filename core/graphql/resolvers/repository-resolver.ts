import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Repository } from '../../db/entities/repository.js';
import { RepositoryVersion } from '../../db/entities/repository-version.js';
import type { GraphQLContext } from '../context.js';
import { createReadResolver } from '../base-resolver.js';
import { RepositoryVersionResolver } from './repository-version-resolver.js';

const RepositoryRead = createReadResolver({ entity: Repository });

type VersionConnection = InstanceType<typeof RepositoryVersionResolver.listing.Connection>;

/** `repositories` across every plugin's types, and the fields all repositories share. */
@Resolver(() => Repository)
export class RepositoryResolver extends RepositoryRead {
  @FieldResolver(() => RepositoryVersion, { nullable: true, description: 'The newest complete version.' })
  latestVersion(@Root() repository: Repository, @Ctx() ctx: GraphQLContext): Promise<RepositoryVersion | null> {
    return ctx.loaders
      .custom<Repository, RepositoryVersion | null>(
        'latestVersion',
        async (repositories) => {
          const versions = await ctx.em.find(RepositoryVersion, {
            $or: repositories.map((r) => ({ repository: r.id, number: r.latestVersionNumber })),
          });
          return repositories.map((r) => versions.find((v) => v.repository.id === r.id) ?? null);
        },
        (r) => r.id,
      )
      .load(repository);
  }

  @FieldResolver(() => RepositoryVersionResolver.listing.Connection, { description: 'Complete versions, newest first.' })
  versions(
    @Root() repository: Repository,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return ctx.loaders
      .custom<string, VersionConnection>(`versions:${first}:${after}`, (ids) =>
        RepositoryVersionResolver.listing.listEach(ctx.em, 'repository', ids, { first, after }, { complete: true }),
      )
      .load(repository.id);
  }
}
