import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Task } from '../../db/entities/task.js';
import { Upload } from '../../db/entities/upload.js';
import { isUuid } from '../../db/uuid7.js';
import { SafeInt } from '../../scalars.js';
import { isHexDigest } from '../../storage/digests.js';
import { resourceName } from '../../tasking/resources.js';
import { writtenBytes } from '../../upload/upload-chunks.js';
import { Access } from '../../access/rules.js';
import type { GraphQLContext } from '../context.js';
import { apiError, badInput, notFound } from '../errors.js';

@Resolver(() => Upload)
export class UploadResolver {
  @Query(() => Upload, { nullable: true, description: 'One of the caller\'s uploads, or null.' })
  @Access({ signedIn: true })
  async upload(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Upload | null> {
    return isUuid(id) ? ctx.loaders.byId(Upload).load(id) : null;
  }

  @Mutation(() => Upload, { description: 'Starts an upload of `size` bytes: PUT its chunks to `url`, then `commitUpload`.' })
  @Access({ signedIn: true })
  async createUpload(@Arg('size', () => SafeInt) size: number, @Ctx() ctx: GraphQLContext): Promise<Upload> {
    if (size < 1) throw badInput('size must be at least 1 byte', 'size');
    const limit = ctx.services.config.resourceLimits.maxUploadBytes;
    if (size > limit) {
      throw apiError('BAD_USER_INPUT', `size must be at most ${limit} bytes, the most LARDER_MAX_UPLOAD_BYTES allows`, { field: 'size', limit });
    }
    const upload = ctx.em.create(Upload, { size, userId: ctx.access.userId });
    await ctx.services.uploads.create(upload.id, size);
    await ctx.em.persistAndFlush(upload);
    return upload;
  }

  @Mutation(() => Task, { description: "Verifies the upload's bytes against `sha256` and makes them an Artifact (the task's created resource)." })
  @Access({ signedIn: true })
  async commitUpload(@Arg('id', () => ID) id: string, @Arg('sha256') sha256: string, @Ctx() ctx: GraphQLContext): Promise<Task> {
    if (!isHexDigest('sha256', sha256)) throw badInput('sha256 must be 64 hex digits', 'sha256');
    if (!isUuid(id) || !(await ctx.loaders.byId(Upload).load(id))) throw notFound('Upload', id);
    return ctx.services.tasks.dispatch('core.commit-upload', { uploadId: id, sha256: sha256.toLowerCase() }, {
      exclusiveResources: [resourceName('upload', id)],
    });
  }

  @FieldResolver(() => String, { description: 'Where to PUT chunks, with `Content-Range: bytes start-end/*`.' })
  url(@Root() upload: Upload, @Ctx() ctx: GraphQLContext): string {
    return `${ctx.services.publicUrl()}/uploads/${upload.id}`;
  }

  @FieldResolver(() => SafeInt, { description: 'Bytes written so far.' })
  uploadedBytes(@Root() upload: Upload, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.loaders
      .custom<string, number>('uploadedBytes', async (ids) => {
        const written = await writtenBytes(ctx.em, ids);
        return ids.map((id) => written.get(id) ?? 0);
      })
      .load(upload.id);
  }
}
