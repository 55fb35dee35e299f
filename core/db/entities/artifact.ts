import { BigIntType, Entity, Index, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { SafeInt } from '../../scalars.js';
import { BaseEntity } from './base-entity.js';

/** A stored file, addressed by its sha256; stored once whatever refers to it. */
@ObjectType()
@Entity({ tableName: 'artifact' })
@Index({ properties: ['createdAt'] })
export class Artifact extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'sha512' | 'sha1' | 'md5';

  @Field(() => SafeInt)
  @Property({ type: new BigIntType('number') })
  size!: number;

  @Field()
  @Unique()
  @Property({ type: 'text' })
  sha256!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  sha512?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  sha1?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  md5?: string | null;
}
