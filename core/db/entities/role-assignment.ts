import { Entity, Enum, Index, ManyToOne, OptionalProps, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../../access/roles.js';
import { BaseEntity } from './base-entity.js';
import { Group } from './group.js';
import { User } from './user.js';

/**
 * A role held by one user or one group, on one object (`objectKind:objectId`, the object's task
 * resource name) or, without an object, on every object.
 */
@ObjectType()
@Entity({ tableName: 'role_assignment' })
@Index({ properties: ['user', 'objectId'] })
@Index({ properties: ['group', 'objectId'] })
@Index({ properties: ['objectId'] })
export class RoleAssignment extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'user' | 'group' | 'objectId' | 'objectKind';

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: undefined })
  role!: Role;

  @ManyToOne(() => User, { deleteRule: 'cascade', nullable: true })
  user?: User | null;

  @ManyToOne(() => Group, { deleteRule: 'cascade', nullable: true })
  group?: Group | null;

  @Field(() => ID, { nullable: true, description: 'Null: the role holds on every object.' })
  @Property({ type: 'uuid', nullable: true })
  objectId?: string | null;

  /** The object's table (`repository`, `remote`, …), so that tasks reserving it can be matched. */
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  objectKind?: string | null;
}
