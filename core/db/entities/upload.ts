import { BigIntType, Entity, OptionalProps, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { SafeInt } from '../../scalars.js';
import { BaseEntity } from './base-entity.js';

/** A file being uploaded in chunks; committed into an Artifact once its digest is verified. */
@ObjectType()
@Entity({ tableName: 'upload' })
export class Upload extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @Field(() => SafeInt)
  @Property({ type: new BigIntType('number') })
  size!: number;

  /** Who created it: only they may add chunks to it, commit it, or see it. */
  @Property({ type: 'uuid', nullable: true })
  userId?: string | null;
}
