import { PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, InterfaceType } from 'type-graphql';
import { DateTime } from '../../scalars.js';
import { uuid7 } from '../uuid7.js';

/** What every stored object has: a UUID, and when it was created and last changed. */
@InterfaceType('Entity', { description: 'What every stored object has.' })
export abstract class BaseEntity {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuid7();

  @Field(() => DateTime)
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => DateTime)
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
