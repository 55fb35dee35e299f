import { InputType, Resolver } from 'type-graphql';
import {
  createDistributionResolver, CreateRepositoryDistributionInput, UpdateRepositoryDistributionInput,
} from '../../../core/plugin-api.js';
import { NpmDistribution } from '../entities/npm-distribution.js';
import { NpmRepository } from '../entities/npm-repository.js';

@InputType()
export class CreateNpmDistributionInput extends CreateRepositoryDistributionInput {}

@InputType()
export class UpdateNpmDistributionInput extends UpdateRepositoryDistributionInput {}

@Resolver(() => NpmDistribution)
export class NpmDistributionResolver extends createDistributionResolver({
  entity: NpmDistribution,
  createInput: CreateNpmDistributionInput,
  updateInput: UpdateNpmDistributionInput,
  repository: NpmRepository,
  publication: false,
}) {}
