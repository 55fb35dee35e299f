import { concreteTypeName } from './concrete-type.js';
import { Entity, ManyToOne, OptionalProps, Property, Unique } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { basePathPrefixes } from '../../content/base-paths.js';
import { BadInputFailure, ConflictFailure } from '../../expected-failure.js';
import { Field, InterfaceType } from 'type-graphql';
import { escapeLike } from '../sql.js';
import { ContentGuard } from './content-guard.js';
import { NamedEntity } from './named-entity.js';
import { Publication } from './publication.js';
import { Repository } from './repository.js';

/**
 * Serves a publication (or a repository's latest version) under a base path of the content app.
 * Base paths are unique and may not nest inside one another.
 */
@InterfaceType({ resolveType: concreteTypeName })
@Entity({ tableName: 'distribution', discriminatorColumn: 'type', abstract: true })
@Unique({ properties: ['type', 'name'] })
export abstract class Distribution extends NamedEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'labels' | 'type';

  @Field()
  @Property({ type: 'text' })
  type!: string;

  @Field()
  @Unique()
  @Property({ type: 'text' })
  basePath!: string;

  @ManyToOne(() => Publication, { nullable: true, deleteRule: 'set null' })
  publication?: Publication | null;

  @ManyToOne(() => Repository, { nullable: true, deleteRule: 'set null' })
  repository?: Repository | null;

  /** What a download needs besides the base path; none: anyone may download. */
  @ManyToOne(() => ContentGuard, { nullable: true, deleteRule: 'set null' })
  contentGuard?: ContentGuard | null;

  /** Runs under the base path's locks (see basePathLocks), so the check cannot race. */
  async beforeSave(em: EntityManager): Promise<void> {
    if (this.publication && this.repository) {
      throw new BadInputFailure('A distribution serves either a publication or a repository, not both');
    }
    const clash = await em.findOne(Distribution, {
      id: { $ne: this.id },
      $or: [{ basePath: { $in: basePathPrefixes(this.basePath) } }, { basePath: { $like: `${escapeLike(this.basePath)}/%` } }],
    });
    // The clashing base path, which the content app serves to anyone, but not the distribution's
    // name: the caller may not see that distribution.
    if (clash) throw new ConflictFailure(`Base path "${this.basePath}" overlaps the base path "${clash.basePath}" of another distribution`);
  }
}
