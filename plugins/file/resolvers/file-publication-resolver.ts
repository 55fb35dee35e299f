import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import {
  Access, badInput, eitherArg, createReadResolver, isUuid, notFound, objectResource, objectArg, RepositoryVersion, Role, Task, versionArg, type GraphQLContext,
} from '../../../core/plugin-api.js';
import { FilePublication } from '../entities/file-publication.js';
import { FileRepository } from '../entities/file-repository.js';

/** Publications are immutable and made by publish tasks; only complete ones are visible. */
@Resolver(() => FilePublication)
export class FilePublicationResolver extends createReadResolver({ entity: FilePublication, scope: { complete: true } }) {
  @Mutation(() => Task, {
    description: "Publishes a repository's latest version, or the given version, in a task that shares the repository; the task creates the FilePublication.",
  })
  @Access({ role: Role.CONTRIBUTOR, on: eitherArg(objectArg(FileRepository, 'repositoryId'), versionArg('repositoryVersionId')) })
  async createFilePublication(
    @Ctx() ctx: GraphQLContext,
    @Arg('repositoryId', () => ID, { nullable: true }) repositoryId?: string,
    @Arg('repositoryVersionId', () => ID, { nullable: true }) repositoryVersionId?: string,
  ): Promise<Task> {
    if (Boolean(repositoryId) === Boolean(repositoryVersionId)) throw badInput('Give exactly one of repositoryId and repositoryVersionId');
    const version = repositoryId ? await latestVersion(ctx, repositoryId) : await fileVersion(ctx, repositoryVersionId!);
    return ctx.services.tasks.dispatch('file.publish', { versionId: version.id }, {
      sharedResources: [objectResource(ctx.em, FileRepository, version.repository.id)],
    });
  }
}

async function latestVersion(ctx: GraphQLContext, repositoryId: string): Promise<RepositoryVersion> {
  const repository = isUuid(repositoryId) ? await ctx.loaders.byId(FileRepository).load(repositoryId) : null;
  if (!repository) throw notFound('FileRepository', repositoryId);
  return ctx.em.findOneOrFail(RepositoryVersion, { repository, number: repository.latestVersionNumber });
}

async function fileVersion(ctx: GraphQLContext, versionId: string): Promise<RepositoryVersion> {
  const version = isUuid(versionId) ? await ctx.em.findOne(RepositoryVersion, { id: versionId, complete: true }) : null;
  if (!version || !(await ctx.em.count(FileRepository, { id: version.repository.id }))) throw notFound('RepositoryVersion', versionId);
  return version;
}
