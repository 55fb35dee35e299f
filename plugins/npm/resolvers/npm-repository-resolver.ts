import { InputType, Resolver } from 'type-graphql';
import { createRepositoryResolver, CreateRepositoryInput, UpdateRepositoryInput } from '../../../core/plugin-api.js';
import { NpmDistTag } from '../entities/npm-dist-tag.js';
import { NpmPackage } from '../entities/npm-package.js';
import { NpmRemote } from '../entities/npm-remote.js';
import { NpmRepository } from '../entities/npm-repository.js';

@InputType()
export class CreateNpmRepositoryInput extends CreateRepositoryInput {}

@InputType()
export class UpdateNpmRepositoryInput extends UpdateRepositoryInput {}

@Resolver(() => NpmRepository)
export class NpmRepositoryResolver extends createRepositoryResolver({
  entity: NpmRepository,
  createInput: CreateNpmRepositoryInput,
  updateInput: UpdateNpmRepositoryInput,
  contentTypes: [NpmPackage, NpmDistTag],
  sync: { remote: NpmRemote, task: 'npm.sync' },
}) {}
