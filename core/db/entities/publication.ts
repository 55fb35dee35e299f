import { concreteTypeName } from './concrete-type.js';
import { Entity, Index, ManyToOne, OptionalProps, Property } from '@mikro-orm/core';
import { Field, InterfaceType } from 'type-graphql';
import { BaseEntity } from './base-entity.js';
import { RepositoryVersion } from './repository-version.js';

/** A repository version made ready to serve (metadata written); visible once `complete`. */
@InterfaceType({ resolveType: concreteTypeName })
@Entity({ tableName: 'publication', discriminatorColumn: 'type', abstract: true })
@Index({ properties: ['repositoryVersion'] })
export abstract class Publication extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'type' | 'complete';

  @Field()
  @Property({ type: 'text' })
  type!: string;

  @ManyToOne(() => RepositoryVersion, { deleteRule: 'cascade' })
  repositoryVersion!: RepositoryVersion;

  @Property({ type: 'boolean' })
  complete: boolean = false;
}
