import type { EntityClass } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { ModifyArgs } from '../content/modify-task.js';
import { Content } from '../db/entities/content.js';
import type { Remote } from '../db/entities/remote.js';
import type { Repository } from '../db/entities/repository.js';
import { RepositoryVersion } from '../db/entities/repository-version.js';
import { Task } from '../db/entities/task.js';
import { isUuid } from '../db/uuid7.js';
import type { SyncArgs } from '../sync/sync-task.js';
import { objectResource } from '../tasking/resources.js';
import { Access, objectArg } from '../access/rules.js';
import { Role } from '../access/roles.js';
import { createBaseResolver, type BaseResolverOptions } from './base-resolver.js';
import type { GraphQLContext } from './context.js';
import { apiError, badInput, notFound } from './errors.js';
import { withInputs, type InputsOptional } from './inputs/generated-inputs.js';
import { CreateRepositoryInput, UpdateRepositoryInput } from './inputs/repository-inputs.js';

/** How a repository type syncs: from which remote type, with which of the plugin's tasks (it gets `SyncArgs`). */
export interface RepositorySync {
  remote: EntityClass<Remote>;
  task: string;
}

export interface RepositoryResolverOptions<T extends Repository> extends InputsOptional<BaseResolverOptions<T>> {
  /** The content types this kind of repository holds. */
  contentTypes: EntityClass<Content>[];
  /** Generates `sync<X>(id, remoteId, mirror)` and the `remote` field, and narrows `remoteId` to this remote type. */
  sync?: RepositorySync;
}

/**
 * The base resolver of a repository type: the generated CRUD plus `modify<X>`, which adds and
 * removes content in a new version (a task holding the repository exclusively), and `sync<X>`
 * for a repository type that syncs.
 */
export function createRepositoryResolver<T extends Repository>(options: RepositoryResolverOptions<T>) {
  const references = options.sync ? { remoteId: options.sync.remote, ...options.references } : options.references;
  const Base = createBaseResolver(withInputs({ ...options, references }, { create: CreateRepositoryInput, update: UpdateRepositoryInput }));
  const typeName = Base.typeName;

  @Resolver(() => options.entity)
  abstract class RepositoryResolver extends Base {
    @Mutation(() => Task, {
      name: `modify${typeName}`,
      description: 'Adds and removes content in a new version (none when nothing changes). `removeContent: ["*"]` removes everything; content added replaces present content with the same repository key.',
    })
    @Access({ role: Role.CONTRIBUTOR, on: objectArg(options.entity) })
    async modify(
      @Arg('id', () => ID) id: string,
      @Ctx() ctx: GraphQLContext,
      @Arg('addContent', () => [ID], { nullable: true }) addContent?: string[],
      @Arg('removeContent', () => [ID], { nullable: true }) removeContent?: string[],
      @Arg('baseVersion', () => Int, { nullable: true, description: 'Start from this version number instead of the latest.' }) baseVersion?: number,
    ): Promise<Task> {
      await this.existing(ctx, id);
      const add = [...new Set(addContent ?? [])];
      const remove = [...new Set(removeContent ?? [])];
      await checkContent(ctx, add, options.contentTypes, 'addContent');
      await checkContent(ctx, remove.filter((c) => c !== '*'), options.contentTypes, 'removeContent');
      if (baseVersion !== undefined && baseVersion !== null) {
        if (baseVersion < 0) throw badInput('baseVersion must not be negative', 'baseVersion');
        if (!(await ctx.em.count(RepositoryVersion, { repository: id, number: baseVersion, complete: true }))) {
          throw notFound('RepositoryVersion', `${baseVersion} of repository ${id}`);
        }
      }
      const args: ModifyArgs = { repositoryId: id, add, remove, baseVersion: baseVersion ?? null };
      return ctx.services.tasks.dispatch('core.modify', { ...args }, {
        exclusiveResources: [objectResource(ctx.em, options.entity, id)],
      });
    }
  }
  if (!options.sync) return RepositoryResolver;
  const { remote: remoteType, task } = options.sync;

  @Resolver(() => options.entity)
  abstract class SyncingRepositoryResolver extends RepositoryResolver {
    @Mutation(() => Task, {
      name: `sync${typeName}`,
      description: "Mirrors the remote (the repository's own by default) into a new version, in a task holding the repository exclusively and the remote shared. `mirror: true` also removes what the remote no longer lists.",
    })
    @Access({ role: Role.CONTRIBUTOR, on: objectArg(options.entity) })
    async sync(
      @Arg('id', () => ID) id: string,
      @Ctx() ctx: GraphQLContext,
      @Arg('remoteId', () => ID, { nullable: true }) remoteId?: string,
      @Arg('mirror', () => Boolean, { nullable: true }) mirror?: boolean,
    ): Promise<Task> {
      const repository = (await this.existing(ctx, id)) as unknown as Repository;
      const remote = remoteId ?? repository.remote?.id;
      if (!remote) throw badInput('The repository has no remote: give remoteId', 'remoteId');
      // Syncing from a remote needs seeing it: one the caller may not see is NOT_FOUND, and the
      // repository's own is not named then (its `remote` field does not show it either).
      if (!isUuid(remote) || !(await ctx.loaders.byId(remoteType).load(remote))) {
        if (remote === remoteId) throw notFound(remoteType.name, remote);
        throw apiError('NOT_FOUND', `The repository's remote is no ${remoteType.name} you may see: give remoteId`, { type: remoteType.name, field: 'remoteId' });
      }
      const args: SyncArgs = { repositoryId: id, remoteId: remote, mirror: mirror ?? false };
      return ctx.services.tasks.dispatch(task, { ...args }, {
        exclusiveResources: [objectResource(ctx.em, options.entity, id)],
        sharedResources: [objectResource(ctx.em, remoteType, remote)],
      });
    }

    @FieldResolver(() => remoteType, { nullable: true, description: 'The default remote to sync from.' })
    remote(@Root() repository: Repository, @Ctx() ctx: GraphQLContext): Promise<Remote | null> {
      return ctx.loaders.load(remoteType, repository.remote?.id);
    }
  }
  // One class type for callers to extend, whether or not the repository type syncs.
  return SyncingRepositoryResolver as typeof RepositoryResolver;
}

/** Every id names existing content of a type the repository holds. */
async function checkContent(ctx: GraphQLContext, ids: string[], types: EntityClass<Content>[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const malformed = ids.find((id) => !isUuid(id));
  if (malformed) throw notFound('Content', malformed);
  // Content the caller may not see is as absent as content that does not exist: adding it would show it to them.
  const visible = await ctx.access.visible(Content);
  const found: Array<{ id: string; type: string }> = await ctx.em.createQueryBuilder(Content, 'c')
    .select(['c.id', 'c.type'])
    .where({ $and: [{ id: { $in: ids } }, visible()] } as never)
    .execute();
  if (found.length < ids.length) {
    const known = new Set(found.map((c) => c.id));
    throw notFound('Content', ids.find((id) => !known.has(id))!);
  }
  const allowed = new Set(types.map((t) => ctx.em.getMetadata().get(t.name).discriminatorValue));
  const wrong = found.find((c) => !allowed.has(c.type));
  if (wrong) throw badInput(`Content ${wrong.id} is of type ${wrong.type}, which this repository does not hold`, field);
}
