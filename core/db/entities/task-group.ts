import { Entity, OptionalProps, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from './base-entity.js';

/** Related tasks bundled so they can be followed and cancelled together. */
@ObjectType()
@Entity({ tableName: 'task_group' })
export class TaskGroup extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'allTasksDispatched';

  @Field()
  @Property({ type: 'text' })
  description!: string;

  @Field()
  @Property({ type: 'boolean' })
  allTasksDispatched: boolean = false;
}
