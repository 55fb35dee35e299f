import { Resolver } from 'type-graphql';
import { createRepositoryResolver } from '../../../core/plugin-api.js';
import { NpmDistTag } from '../entities/npm-dist-tag.js';
import { NpmPackage } from '../entities/npm-package.js';
import { NpmRemote } from '../entities/npm-remote.js';
import { NpmRepository } from '../entities/npm-repository.js';

@Resolver(() => NpmRepository)
export class NpmRepositoryResolver extends createRepositoryResolver({
  entity: NpmRepository,
  contentTypes: [NpmPackage, NpmDistTag],
  sync: { remote: NpmRemote, task: 'npm.sync' },
}) {}
