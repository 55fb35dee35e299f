import { Collection, Entity, ManyToMany, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { DateTime } from '../../scalars.js';
import { BaseEntity } from './base-entity.js';
import { Group } from './group.js';

/** Someone who signs in, with a password or an API token. The password hash never leaves the server. */
@ObjectType()
@Entity({ tableName: 'user_account' })
@Unique({ properties: ['username'] })
export class User extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'isAdmin' | 'displayName' | 'lastLoginAt';

  @Field()
  @Property({ type: 'text' })
  username!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  displayName?: string | null;

  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Field()
  @Property({ type: 'boolean' })
  isAdmin: boolean = false;

  @Field(() => DateTime, { nullable: true, description: 'When a password last signed this user in: shown to themselves and admins.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastLoginAt?: Date | null;

  @ManyToMany(() => Group, (group) => group.users)
  groups = new Collection<Group>(this);
}
