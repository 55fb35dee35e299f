import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { OrphanCleanupArgs } from '../../content/orphan-cleanup.js';
import type { RepairArgs } from '../../content/repair.js';
import { Repository } from '../../db/entities/repository.js';
import { RepositoryVersion } from '../../db/entities/repository-version.js';
import { Task } from '../../db/entities/task.js';
import { isUuid } from '../../db/uuid7.js';
import { objectResource } from '../../tasking/resources.js';
import { Access } from '../../access/rules.js';
import type { GraphQLContext } from '../context.js';
import { badInput, notFound } from '../errors.js';

/** Housekeeping of stored content: orphan cleanup and repair, each a task. */
@Resolver()
export class MaintenanceResolver {
  @Mutation(() => Task, {
    description: 'Deletes content in no repository version and artifacts nothing refers to (with their files), and abandoned uploads, all older than the protection time.',
  })
  @Access({ admin: true })
  async cleanupOrphans(
    @Ctx() ctx: GraphQLContext,
    @Arg('protectionTimeMinutes', () => Int, { nullable: true, description: 'Spare orphans younger than this; LARDER_ORPHAN_PROTECTION_MINUTES by default.' })
    protectionTimeMinutes?: number,
  ): Promise<Task> {
    const minutes = protectionTimeMinutes ?? ctx.services.config.orphanProtectionMinutes;
    if (minutes < 0) throw badInput('protectionTimeMinutes must not be negative', 'protectionTimeMinutes');
    const args: OrphanCleanupArgs = { protectionMinutes: minutes };
    return ctx.services.tasks.dispatch('core.orphan-cleanup', { ...args }, { exclusiveResources: ['orphans'] });
  }

  @Mutation(() => Task, {
    description: "Checks stored artifacts (all, or a version's) and downloads missing or damaged ones again from their remotes.",
  })
  @Access({ admin: true })
  async repairArtifacts(
    @Ctx() ctx: GraphQLContext,
    @Arg('repositoryVersionId', () => ID, { nullable: true }) repositoryVersionId?: string,
    @Arg('verifyChecksums', () => Boolean, { nullable: true, description: 'Re-hash every file (default); false checks presence and size only.' })
    verifyChecksums?: boolean,
  ): Promise<Task> {
    let shared: string[] = [];
    if (repositoryVersionId) {
      const version = isUuid(repositoryVersionId) ? await ctx.em.findOne(RepositoryVersion, { id: repositoryVersionId, complete: true }) : null;
      if (!version) throw notFound('RepositoryVersion', repositoryVersionId);
      shared = [objectResource(ctx.em, Repository, version.repository.id)];
    }
    const args: RepairArgs = { versionId: repositoryVersionId ?? null, verifyChecksums: verifyChecksums ?? true };
    return ctx.services.tasks.dispatch('core.repair', { ...args }, { exclusiveResources: ['repair'], sharedResources: shared });
  }
}
