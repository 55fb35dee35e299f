import { Resolver } from 'type-graphql';
import { createDistributionResolver } from '../../../core/plugin-api.js';
import { FileDistribution } from '../entities/file-distribution.js';
import { FilePublication } from '../entities/file-publication.js';
import { FileRepository } from '../entities/file-repository.js';

@Resolver(() => FileDistribution)
export class FileDistributionResolver extends createDistributionResolver({
  entity: FileDistribution,
  repository: FileRepository,
  publication: FilePublication,
}) {}
