import { concreteTypeName } from './concrete-type.js';
import { Entity, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, InterfaceType } from 'type-graphql';
import { NamedEntity } from './named-entity.js';

/**
 * What a distribution's downloads need besides its base path (Pulp's content guards): roles, a
 * header, or a signed URL. One guard may protect many distributions.
 *
 * Names are unique across every guard type, not per type as a distribution's or remote's are:
 * guards are one list (`contentGuards`) that a distribution picks from whatever its own type,
 * and two guards both named "internal" but of different kinds would read as one there.
 */
@InterfaceType({ resolveType: concreteTypeName })
@Entity({ tableName: 'content_guard', discriminatorColumn: 'type', abstract: true })
@Unique({ properties: ['name'] })
export abstract class ContentGuard extends NamedEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'labels' | 'type';

  @Field()
  @Property({ type: 'text' })
  type!: string;
}
