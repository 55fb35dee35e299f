import { Entity } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ObjectType } from 'type-graphql';
import { BadInputFailure, Distribution } from '../../../core/plugin-api.js';

/**
 * Serves a repository's latest version as an npm registry under `/content/<basePath>/`, and takes
 * `npm publish` into that repository under `/npm/<basePath>/`.
 */
@ObjectType({ implements: Distribution })
@Entity({ discriminatorValue: 'npm.npm' })
export class NpmDistribution extends Distribution {
  override async beforeSave(em: EntityManager): Promise<void> {
    if (this.publication) {
      throw new BadInputFailure('An npm distribution serves a repository (give repositoryId): npm repositories have no publications', 'publicationId');
    }
    await super.beforeSave(em);
  }
}
