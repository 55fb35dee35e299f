import type { EntityManager } from '@mikro-orm/postgresql';
import { RepositoryVersion } from '../db/entities/repository-version.js';
import { defineTask, TaskFailure } from '../tasking/task-definition.js';
import { deleteVersions, servedVersionIds } from './version-delete.js';

/**
 * Why a version may not be deleted, or null. The latest version and versions a distribution
 * serves stay: deleting them would change what clients download.
 */
export async function undeletableReason(em: EntityManager, version: RepositoryVersion): Promise<string | null> {
  const repository = await em.findOneOrFail(RepositoryVersion, version.id, { populate: ['repository'] }).then((v) => v.repository);
  if (version.number === repository.latestVersionNumber) {
    return `Version ${version.number} is the latest version of repository "${repository.name}"`;
  }
  if ((await servedVersionIds(em, repository.id)).has(version.id)) return `Version ${version.number} is served by a distribution`;
  return null;
}

/** Deletes one version; its changes fold into the next version. */
export const deleteVersionTask = defineTask<{ versionId: string }>({
  name: 'core.delete-version',
  async run(ctx) {
    const version = await ctx.em.findOne(RepositoryVersion, { id: ctx.args.versionId, complete: true });
    if (!version) throw new TaskFailure(`Repository version ${ctx.args.versionId} no longer exists`, 'NOT_FOUND');
    const problem = await undeletableReason(ctx.em, version);
    if (problem) throw new TaskFailure(problem, 'CONFLICT');
    await deleteVersions(ctx.em, version.repository.id, [version.id]);
  },
});
