import { Entity, Index, ManyToOne, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { DateTime } from '../../scalars.js';
import { BaseEntity } from './base-entity.js';
import { User } from './user.js';

/** A credential for scripts and package managers; only a digest of its secret is stored. */
@ObjectType()
@Entity({ tableName: 'api_token' })
@Unique({ properties: ['secretDigest'] })
@Index({ properties: ['user'] })
export class ApiToken extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'expiresAt' | 'lastUsedAt';

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', hidden: true })
  secretDigest!: string;

  @Field(() => DateTime, { nullable: true, description: 'After this it is refused; null: never expires.' })
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When a request last used it (updated at most once a minute).' })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;
}
