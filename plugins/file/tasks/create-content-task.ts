import { Artifact, commitUpload, contentShape, defineTask, saveContent, TaskFailure, writeVersion } from '../../../core/plugin-api.js';
import { FileContent } from '../entities/file-content.js';

export interface CreateContentArgs {
  relativePath: string;
  artifactId: string | null;
  uploadId: string | null;
  repositoryId: string | null;
}

/**
 * Makes a file from an artifact or a finished upload (the same path and bytes are one file,
 * however often they arrive), and adds it to a repository in a new version when asked.
 */
export const createContentTask = defineTask<CreateContentArgs>({
  name: 'file.create-content',
  async run(ctx) {
    const { relativePath, artifactId, uploadId, repositoryId } = ctx.args;
    const artifact = uploadId
      ? await commitUpload(ctx, uploadId)
      : await ctx.em.findOne(Artifact, { id: artifactId! });
    if (!artifact) throw new TaskFailure(`Artifact ${artifactId} does not exist`, 'NOT_FOUND');
    const [contentId] = await saveContent(ctx.em, contentShape(ctx.em, FileContent), [{
      fields: { relativePath, digest: artifact.sha256 },
      files: [{ relativePath, artifactId: artifact.id }],
    }]);
    ctx.created(contentId!);
    if (repositoryId) await writeVersion(ctx, repositoryId, (version) => version.add([contentId!]));
  },
});
