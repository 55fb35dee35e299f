import { Collection, Entity, ManyToMany, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from './base-entity.js';
import { User } from './user.js';

/** Users who share roles: a role granted to a group is held by each member. */
@ObjectType()
@Entity({ tableName: 'user_group' })
@Unique({ properties: ['name'] })
export class Group extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @ManyToMany(() => User, (user) => user.groups, { owner: true, pivotTable: 'group_member', joinColumn: 'group_id', inverseJoinColumn: 'user_id' })
  users = new Collection<User>(this);
}
