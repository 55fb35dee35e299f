import { Resolver } from 'type-graphql';
import { createDistributionResolver } from '../../../core/plugin-api.js';
import { NpmDistribution } from '../entities/npm-distribution.js';
import { NpmRepository } from '../entities/npm-repository.js';

@Resolver(() => NpmDistribution)
export class NpmDistributionResolver extends createDistributionResolver({
  entity: NpmDistribution,
  repository: NpmRepository,
  publication: false,
}) {}
