import { InputType, Resolver } from 'type-graphql';
import { createDistributionResolver, CreateDistributionInput, UpdateDistributionInput } from '../../../core/plugin-api.js';
import { FileDistribution } from '../entities/file-distribution.js';
import { FilePublication } from '../entities/file-publication.js';
import { FileRepository } from '../entities/file-repository.js';

@InputType()
export class CreateFileDistributionInput extends CreateDistributionInput {}

@InputType()
export class UpdateFileDistributionInput extends UpdateDistributionInput {}

@Resolver(() => FileDistribution)
export class FileDistributionResolver extends createDistributionResolver({
  entity: FileDistribution,
  createInput: CreateFileDistributionInput,
  updateInput: UpdateFileDistributionInput,
  repository: FileRepository,
  publication: FilePublication,
}) {}
