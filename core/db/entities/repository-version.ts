import { Entity, ManyToOne, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from './base-entity.js';
import { Repository } from './repository.js';

/** An immutable snapshot of a repository's content; visible once `complete`. */
@ObjectType()
@Entity({ tableName: 'repository_version' })
@Unique({ properties: ['repository', 'number'] })
export class RepositoryVersion extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'complete' | 'baseVersion' | 'taskId';

  @ManyToOne(() => Repository, { deleteRule: 'cascade' })
  repository!: Repository;

  @Field(() => Int)
  @Property({ type: 'int' })
  number!: number;

  @ManyToOne(() => RepositoryVersion, { nullable: true, deleteRule: 'set null' })
  baseVersion?: RepositoryVersion | null;

  @Property({ type: 'boolean' })
  complete: boolean = false;

  /**
   * The task that made it: while incomplete, the version is that task's work in progress, removed
   * should the task fail, be cancelled or lose its worker (see content/incomplete-versions.ts).
   */
  @Property({ type: 'uuid', nullable: true })
  taskId?: string | null;
}
