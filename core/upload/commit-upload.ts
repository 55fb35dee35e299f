import { Artifact } from '../db/entities/artifact.js';
import { Upload } from '../db/entities/upload.js';
import { holdArtifact } from '../access/artifact-holders.js';
import { saveArtifact } from '../content/artifacts.js';
import type { ExpectedDigests } from '../storage/digests.js';
import { defineTask, TaskFailure, type TaskContext } from '../tasking/task-definition.js';
import { writtenBytes } from './upload-chunks.js';

/**
 * Turns a complete upload into an artifact: its bytes are hashed while they move into the
 * artifact store and must match `expected`. The upload is gone afterwards; on a mismatch it
 * stays, untouched, so the client can fix the chunks that were wrong.
 */
export async function commitUpload(ctx: TaskContext<unknown>, uploadId: string, expected: ExpectedDigests = {}): Promise<Artifact> {
  const upload = await ctx.em.findOne(Upload, { id: uploadId });
  if (!upload) throw new TaskFailure(`Upload ${uploadId} does not exist`, 'NOT_FOUND');
  const written = (await writtenBytes(ctx.em, [uploadId])).get(uploadId) ?? 0;
  if (written !== upload.size) {
    throw new TaskFailure(`Upload ${uploadId} has ${written} of its ${upload.size} bytes`, 'UPLOAD_INCOMPLETE');
  }
  const staged = await ctx.storage.stage(ctx.uploads.read(uploadId), { ...expected, size: upload.size }, ctx.signal);
  const artifact = await saveArtifact(ctx.em, ctx.storage, staged);
  await holdArtifact(ctx.em, artifact.id, ctx.task.userId);
  await ctx.em.nativeDelete(Upload, { id: uploadId });
  await ctx.uploads.remove(uploadId);
  return artifact;
}

export const commitUploadTask = defineTask<{ uploadId: string; sha256: string }>({
  name: 'core.commit-upload',
  async run(ctx) {
    const artifact = await commitUpload(ctx, ctx.args.uploadId, { sha256: ctx.args.sha256 });
    ctx.created(artifact.id);
  },
});
