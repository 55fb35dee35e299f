import { Resolver } from 'type-graphql';
import { createReadResolver } from '../../../core/plugin-api.js';
import { NpmPackage } from '../entities/npm-package.js';

/** Package versions are immutable: listed and read here, made by syncs and publishes. */
@Resolver(() => NpmPackage)
export class NpmPackageResolver extends createReadResolver({ entity: NpmPackage }) {}
