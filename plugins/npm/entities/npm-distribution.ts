import { Entity } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Distribution } from '../../../core/plugin-api.js';

/**
 * Serves a repository's latest version as an npm registry under `/content/<basePath>/`, and takes
 * `npm publish` into that repository under `/npm/<basePath>/`.
 */
@ObjectType({ implements: Distribution })
@Entity({ discriminatorValue: 'npm.npm' })
export class NpmDistribution extends Distribution {}
