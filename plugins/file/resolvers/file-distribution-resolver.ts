import { Ctx, FieldResolver, InputType, Resolver, Root } from 'type-graphql';
import {
  basePathLocks, createBaseResolver, CreateDistributionInput, UpdateDistributionInput, type GraphQLContext,
} from '../../../core/plugin-api.js';
import { FileDistribution } from '../entities/file-distribution.js';
import { FilePublication } from '../entities/file-publication.js';
import { FileRepository } from '../entities/file-repository.js';

@InputType()
export class CreateFileDistributionInput extends CreateDistributionInput {}

@InputType()
export class UpdateFileDistributionInput extends UpdateDistributionInput {}

@Resolver(() => FileDistribution)
export class FileDistributionResolver extends createBaseResolver({
  entity: FileDistribution,
  createInput: CreateFileDistributionInput,
  updateInput: UpdateFileDistributionInput,
  references: { publicationId: FilePublication, repositoryId: FileRepository },
  createLocks: (input) => basePathLocks(input.basePath as string),
  updateLocks: (input) => (typeof input.basePath === 'string' ? basePathLocks(input.basePath) : []),
}) {
  @FieldResolver(() => FilePublication, { nullable: true })
  publication(@Root() distribution: FileDistribution, @Ctx() ctx: GraphQLContext): Promise<FilePublication | null> {
    return ctx.loaders.load(FilePublication, distribution.publication?.id);
  }

  @FieldResolver(() => FileRepository, { nullable: true })
  repository(@Root() distribution: FileDistribution, @Ctx() ctx: GraphQLContext): Promise<FileRepository | null> {
    return ctx.loaders.load(FileRepository, distribution.repository?.id);
  }
}
