import { ArrayType, BigIntType, Entity, Enum, Index, OptionalProps, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { DateTime, SafeInt } from '../../scalars.js';
import { BaseEntity } from './base-entity.js';
import { TaskState } from './task-state.js';

@ObjectType()
export class ProgressReport {
  @Field()
  code!: string;

  @Field()
  message!: string;

  @Field(() => TaskState)
  state!: TaskState;

  @Field(() => SafeInt, { nullable: true })
  total?: number | null;

  @Field(() => SafeInt)
  done!: number;

  @Field(() => String, { nullable: true })
  suffix?: string | null;
}

@ObjectType()
export class TaskError {
  @Field()
  description!: string;

  @Field(() => String, { nullable: true })
  code?: string | null;
}

/**
 * One asynchronous action and the whole truth about it. Rows are written by the tasking SQL
 * functions (see the migrations), never by the ORM's unit of work, so that every state change
 * is a single conditional statement.
 */
@ObjectType()
@Entity({ tableName: 'task' })
@Index({ properties: ['state'] })
@Index({ properties: ['parentTaskId'] })
@Index({ properties: ['taskGroupId'] })
@Index({ properties: ['finishedAt'] })
@Index({ properties: ['userId'] })
@Index({ properties: ['createdAt'] })
@Index({ properties: ['exclusiveResources'], type: 'gin' })
@Index({ properties: ['sharedResources'], type: 'gin' })
export class Task extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'seq' | 'progressReports' | 'createdResources';

  /** Dispatch order: per resource, tasks start in ascending `seq`. */
  @Property({ type: new BigIntType('number'), defaultRaw: `nextval('task_seq')` })
  seq!: number;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => TaskState)
  @Enum({ items: () => TaskState })
  state!: TaskState;

  @Property({ type: 'jsonb' })
  args!: Record<string, unknown>;

  @Field(() => [String], { description: 'What it holds alone while it runs, but for objects the caller may not see.' })
  @Property({ type: ArrayType })
  exclusiveResources!: string[];

  @Field(() => [String], { description: 'What it shares with other holders while it runs, but for objects the caller may not see.' })
  @Property({ type: ArrayType })
  sharedResources!: string[];

  @Field(() => [ProgressReport])
  @Property({ type: 'jsonb' })
  progressReports: ProgressReport[] = [];

  @Field(() => [String], { description: 'Ids of the objects the task created.' })
  @Property({ type: ArrayType })
  createdResources: string[] = [];

  @Field(() => TaskError, {
    nullable: true,
    description: 'Why it failed; the description only for its dispatcher and whoever may see every object it reserves (it may tell of any).',
  })
  @Property({ type: 'jsonb', nullable: true })
  error?: TaskError | null;

  @Field(() => String, { nullable: true, description: 'Name of the worker that ran it.' })
  @Property({ type: 'text', nullable: true })
  worker?: string | null;

  @Property({ type: 'uuid', nullable: true })
  parentTaskId?: string | null;

  @Property({ type: 'uuid', nullable: true })
  taskGroupId?: string | null;

  /** Who dispatched it (null: Larder itself); its `user` field resolves it. */
  @Property({ type: 'uuid', nullable: true })
  userId?: string | null;

  /** What the dispatch needed (see core/access/acting-user.ts); cancelling needs it again. */
  @Property({ type: 'text', nullable: true })
  permission?: string | null;

  @Field(() => DateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  startedAt?: Date | null;

  @Field(() => DateTime, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;
}
