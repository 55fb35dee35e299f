import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { DateTime } from '../../scalars.js';

/** A worker processor that runs tasks; alive while its heartbeat is fresher than the TTL. */
@ObjectType()
@Entity({ tableName: 'worker' })
export class Worker {
  @Field()
  @PrimaryKey({ type: 'text' })
  name!: string;

  @Field()
  @Property({ type: 'text' })
  hostname!: string;

  @Field(() => Int)
  @Property({ type: 'int' })
  pid!: number;

  @Field(() => DateTime)
  @Property({ type: 'timestamptz' })
  startedAt!: Date;

  @Field(() => DateTime)
  @Property({ type: 'timestamptz' })
  lastHeartbeat!: Date;
}
