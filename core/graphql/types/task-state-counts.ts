import { Field, Int, ObjectType } from 'type-graphql';
import { TaskState } from '../../db/entities/task-state.js';

/** How many tasks (of a group) are in each state. */
@ObjectType()
export class TaskStateCounts {
  @Field(() => Int)
  waiting = 0;

  @Field(() => Int)
  skipped = 0;

  @Field(() => Int)
  running = 0;

  @Field(() => Int)
  completed = 0;

  @Field(() => Int)
  failed = 0;

  @Field(() => Int)
  canceling = 0;

  @Field(() => Int)
  canceled = 0;

  static of(counts: Iterable<{ state: TaskState; count: number }>): TaskStateCounts {
    const result = new TaskStateCounts();
    for (const { state, count } of counts) result[state.toLowerCase() as Lowercase<TaskState>] = count;
    return result;
  }
}
