import { IsOptional, Length } from 'class-validator';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from 'type-graphql';
import {
  authorize, badInput, createRepositoryResolver, CreateRepositoryInput, isUuid, notFound, NotNullIfGiven, objectResource, Task,
  UpdateRepositoryInput, type GraphQLContext,
} from '../../../core/plugin-api.js';
import type { SyncArgs } from '../tasks/sync-task.js';
import { FileContent } from '../entities/file-content.js';
import { FileRemote } from '../entities/file-remote.js';
import { FileRepository } from '../entities/file-repository.js';

@InputType()
export class CreateFileRepositoryInput extends CreateRepositoryInput {
  @Field(() => String, { nullable: true, description: 'Manifest file name for publications (default PULP_MANIFEST).' })
  @IsOptional()
  @Length(1, 255)
  manifest?: string;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  autopublish?: boolean;
}

@InputType()
export class UpdateFileRepositoryInput extends UpdateRepositoryInput {
  @Field(() => String, { nullable: true })
  @NotNullIfGiven()
  @Length(1, 255)
  manifest?: string;

  @Field(() => Boolean, { nullable: true })
  @NotNullIfGiven()
  autopublish?: boolean;
}

@Resolver(() => FileRepository)
export class FileRepositoryResolver extends createRepositoryResolver({
  entity: FileRepository,
  createInput: CreateFileRepositoryInput,
  updateInput: UpdateFileRepositoryInput,
  references: { remoteId: FileRemote },
  contentTypes: [FileContent],
}) {
  @Mutation(() => Task, {
    description: "Mirrors the remote (the repository's own by default) into a new version, in a task holding the repository exclusively and the remote shared. `mirror: true` also removes what the remote no longer lists.",
  })
  async syncFileRepository(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('remoteId', () => ID, { nullable: true }) remoteId?: string,
    @Arg('mirror', () => Boolean, { nullable: true }) mirror?: boolean,
  ): Promise<Task> {
    await authorize(ctx, { action: 'sync', type: 'FileRepository', id });
    const repository = (await this.existing(ctx, id)) as unknown as FileRepository;
    const remote = remoteId ?? repository.remote?.id;
    if (!remote) throw badInput('The repository has no remote: give remoteId', 'remoteId');
    if (!isUuid(remote) || !(await ctx.em.count(FileRemote, { id: remote }))) throw notFound('FileRemote', remote);
    const args: SyncArgs = { repositoryId: id, remoteId: remote, mirror: mirror ?? false };
    return ctx.services.tasks.dispatch('file.sync', { ...args }, {
      exclusiveResources: [objectResource(ctx.em, FileRepository, id)],
      sharedResources: [objectResource(ctx.em, FileRemote, remote)],
    });
  }

  @FieldResolver(() => FileRemote, { nullable: true, description: 'The default remote to sync from.' })
  remote(@Root() repository: FileRepository, @Ctx() ctx: GraphQLContext): Promise<FileRemote | null> {
    return ctx.loaders.load(FileRemote, repository.remote?.id);
  }
}
