import type { EntityClass } from '@mikro-orm/core';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import {
  Access, Artifact, badInput, createReadResolver, isSafeRelativePath, isUuid, notFound, objectArg, objectResource, resourceName, Role, Task, Upload,
  type GraphQLContext,
} from '../../../core/plugin-api.js';
import { FileContent } from '../entities/file-content.js';
import { FileRepository } from '../entities/file-repository.js';
import type { CreateContentArgs } from '../tasks/create-content-task.js';

/** Files are immutable: listed and read here, made by uploads and syncs. */
@Resolver(() => FileContent)
export class FileContentResolver extends createReadResolver({ entity: FileContent }) {
  @Mutation(() => Task, {
    description: 'Makes a file at `relativePath` from an artifact or a finished upload (the task creates the FileContent, and a new version of `repositoryId` holding it when given).',
  })
  @Access({ role: Role.CONTRIBUTOR, on: objectArg(FileRepository, 'repositoryId'), unnamed: { signedIn: true } })
  async createFileContent(
    @Arg('relativePath') relativePath: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('artifactId', () => ID, { nullable: true }) artifactId?: string,
    @Arg('uploadId', () => ID, { nullable: true }) uploadId?: string,
    @Arg('repositoryId', () => ID, { nullable: true }) repositoryId?: string,
  ): Promise<Task> {
    if (!isSafeRelativePath(relativePath)) {
      throw badInput('relativePath must be a relative path without "." or ".." segments, like "isos/boot.iso"', 'relativePath');
    }
    if (Boolean(artifactId) === Boolean(uploadId)) throw badInput('Give exactly one of artifactId and uploadId');
    await mustSee(ctx, Artifact, artifactId);
    await mustSee(ctx, Upload, uploadId);
    await mustSee(ctx, FileRepository, repositoryId);
    const args: CreateContentArgs = { relativePath, artifactId: artifactId ?? null, uploadId: uploadId ?? null, repositoryId: repositoryId ?? null };
    return ctx.services.tasks.dispatch('file.create-content', { ...args }, {
      exclusiveResources: [
        ...(repositoryId ? [objectResource(ctx.em, FileRepository, repositoryId)] : []),
        ...(uploadId ? [resourceName('upload', uploadId)] : []),
      ],
    });
  }
}

/**
 * What the arguments name must exist and be visible to the caller: another user's upload, or an
 * artifact neither uploaded by the caller nor in a version they may see, is as absent as none.
 */
async function mustSee(ctx: GraphQLContext, entity: EntityClass<object>, id: string | null | undefined): Promise<void> {
  if (id === undefined || id === null) return;
  if (!isUuid(id) || !(await ctx.loaders.byId(entity).load(id))) throw notFound(entity.name, id);
}
