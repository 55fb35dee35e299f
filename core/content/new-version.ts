import type { RepositoryVersion } from '../db/entities/repository-version.js';
import type { TaskContext } from '../tasking/task-definition.js';
import { VersionWriter } from './version-writer.js';

/**
 * Makes the next version of a repository with `build`, inside a task that holds the repository
 * exclusively. Any failure (or cancellation) throws the half-made version away. A version that
 * changes nothing is not created (null). A new version is recorded as the task's creation and
 * handed to the repository's `onNewVersion` (e.g. to publish it).
 */
export async function writeVersion(
  ctx: TaskContext<unknown>, repositoryId: string, build: (writer: VersionWriter) => Promise<void>,
): Promise<RepositoryVersion | null> {
  const writer = await VersionWriter.open(ctx.em, repositoryId, ctx.task.id);
  let version: RepositoryVersion | null;
  try {
    await build(writer);
    ctx.signal.throwIfAborted();
    version = await writer.finish();
  } catch (error) {
    await writer.discard();
    throw error;
  }
  if (version) {
    ctx.created(version.id);
    await writer.repository.onNewVersion(ctx, version);
  }
  return version;
}
