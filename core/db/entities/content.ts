import { concreteTypeName } from './concrete-type.js';
import { Entity, Index, OptionalProps, Property } from '@mikro-orm/core';
import { Field, InterfaceType } from 'type-graphql';
import { BaseEntity } from './base-entity.js';

/**
 * An immutable unit of content (a file, a package). Plugins subclass it and declare a unique
 * natural key, so the same unit is stored once however many repositories hold it.
 */
@InterfaceType({ resolveType: concreteTypeName })
@Entity({ tableName: 'content', discriminatorColumn: 'type', abstract: true })
@Index({ properties: ['createdAt'] })
export abstract class Content extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'type';

  @Field()
  @Property({ type: 'text' })
  type!: string;

  /**
   * Properties that make two units the same thing within one repository (a file's relative path):
   * a version holds at most one unit per key, and a new one replaces the old (Pulp's repo_key_fields).
   */
  static readonly repositoryKey: readonly string[] = [];
}
