import { Property } from '@mikro-orm/core';
import { Field, InterfaceType } from 'type-graphql';
import { JSONScalar } from '../../scalars.js';
import { BaseEntity } from './base-entity.js';

export type Labels = Record<string, string>;

/** Objects an operator names and labels: repositories, remotes, distributions, content guards. */
@InterfaceType('NamedEntity', { description: 'Objects an operator names and labels.' })
export abstract class NamedEntity extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => JSONScalar)
  @Property({ type: 'jsonb' })
  labels: Labels = {};
}
