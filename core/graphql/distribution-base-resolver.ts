import type { EntityClass } from '@mikro-orm/core';
import { Ctx, FieldResolver, Resolver, Root, type ClassType } from 'type-graphql';
import { basePathLocks } from '../content/base-paths.js';
import type { Distribution } from '../db/entities/distribution.js';
import type { Publication } from '../db/entities/publication.js';
import type { Repository } from '../db/entities/repository.js';
import { createBaseResolver, type BaseResolverOptions } from './base-resolver.js';
import type { GraphQLContext } from './context.js';
import {
  CreateDistributionInput, CreateRepositoryDistributionInput, UpdateDistributionInput, UpdateRepositoryDistributionInput,
} from './inputs/distribution-inputs.js';
import { withInputs, type InputsOptional } from './inputs/generated-inputs.js';

interface DistributionTypeOptions<T extends Distribution>
  extends InputsOptional<Omit<BaseResolverOptions<T>, 'references' | 'createLocks' | 'updateLocks'>> {
  /** The repository type whose latest version it may serve. */
  repository: EntityClass<Repository>;
}

/**
 * A type with publications serves one of them or a repository's latest version; a type without
 * (`publication: false`) only the latter, so its inputs (extending `Create/UpdateRepositoryDistributionInput`)
 * cannot name a publication at all. Inputs left out are made from the base that fits.
 */
export type DistributionResolverOptions<T extends Distribution> = DistributionTypeOptions<T> & (
  | { publication: EntityClass<Publication> }
  | { publication: false; createInput?: ClassType<{ publicationId?: never }>; updateInput?: ClassType<{ publicationId?: never }> }
);

/**
 * The base resolver of a distribution type: the generated CRUD, creating and moving it under its
 * base path's locks, and its `repository` (and `publication`) fields typed as the plugin's own.
 */
export function createDistributionResolver<T extends Distribution>(options: DistributionResolverOptions<T>) {
  const { repository: repositoryType, publication: publicationType } = options;
  const inputs = publicationType
    ? { create: CreateDistributionInput, update: UpdateDistributionInput }
    : { create: CreateRepositoryDistributionInput, update: UpdateRepositoryDistributionInput };
  const Base = createBaseResolver({
    ...withInputs(options, inputs),
    references: { repositoryId: repositoryType, ...(publicationType ? { publicationId: publicationType } : {}) },
    createLocks: (input) => basePathLocks(input.basePath as string),
    updateLocks: (input) => (typeof input.basePath === 'string' ? basePathLocks(input.basePath) : []),
  });

  @Resolver(() => options.entity)
  abstract class DistributionResolver extends Base {
    @FieldResolver(() => repositoryType, { nullable: true })
    repository(@Root() distribution: Distribution, @Ctx() ctx: GraphQLContext): Promise<Repository | null> {
      return ctx.loaders.load(repositoryType, distribution.repository?.id);
    }
  }
  if (!publicationType) return DistributionResolver;
  const published = publicationType;

  @Resolver(() => options.entity)
  abstract class PublishingDistributionResolver extends DistributionResolver {
    @FieldResolver(() => published, { nullable: true })
    publication(@Root() distribution: Distribution, @Ctx() ctx: GraphQLContext): Promise<Publication | null> {
      return ctx.loaders.load(published, distribution.publication?.id);
    }
  }
  // One class type for callers to extend, whether or not the type has publications.
  return PublishingDistributionResolver as typeof DistributionResolver;
}
