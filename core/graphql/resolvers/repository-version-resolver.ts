import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { undeletableReason } from '../../content/delete-version-task.js';
import { contentSummaries, inVersion } from '../../content/version-content.js';
import { Repository } from '../../db/entities/repository.js';
import { Task } from '../../db/entities/task.js';
import { isUuid } from '../../db/uuid7.js';
import { objectResource } from '../../tasking/resources.js';
import { Access, versionArg } from '../../access/rules.js';
import { Role } from '../../access/roles.js';
import { conflict, notFound } from '../errors.js';
import { RepositoryVersion } from '../../db/entities/repository-version.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';
import { ContentSummary } from '../../content/content-summary.js';
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

  @Mutation(() => Task, { description: 'Deletes a version (not the latest, nor one a distribution serves) in a task holding its repository.' })
  @Access({ role: Role.OWNER, on: versionArg() })
  async deleteRepositoryVersion(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Task> {
    const version = isUuid(id) ? await ctx.em.findOne(RepositoryVersion, { id, complete: true }) : null;
    if (!version) throw notFound('RepositoryVersion', id);
    const problem = await undeletableReason(ctx.em, version);
    if (problem) throw conflict(problem);
    return ctx.services.tasks.dispatch('core.delete-version', { versionId: id }, {
      exclusiveResources: [objectResource(ctx.em, Repository, version.repository.id)],
    });
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
