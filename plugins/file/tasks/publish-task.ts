import { defineTask, RepositoryVersion } from '../../../core/plugin-api.js';
import { FileRepository } from '../entities/file-repository.js';
import { publishFileVersion } from '../publisher.js';

export const publishTask = defineTask<{ versionId: string }>({
  name: 'file.publish',
  async run(ctx) {
    const version = await ctx.em.findOneOrFail(RepositoryVersion, { id: ctx.args.versionId });
    const repository = await ctx.em.findOneOrFail(FileRepository, { id: version.repository.id });
    await publishFileVersion(ctx, version.id, repository.manifest);
  },
});
