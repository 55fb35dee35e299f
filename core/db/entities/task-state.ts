import { registerEnumType } from 'type-graphql';

export enum TaskState {
  WAITING = 'WAITING',
  SKIPPED = 'SKIPPED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELING = 'CANCELING',
  CANCELED = 'CANCELED',
}

registerEnumType(TaskState, { name: 'TaskState' });

export const FINAL_TASK_STATES: readonly TaskState[] = [
  TaskState.SKIPPED,
  TaskState.COMPLETED,
  TaskState.FAILED,
  TaskState.CANCELED,
];

export function isFinalTaskState(state: TaskState): boolean {
  return FINAL_TASK_STATES.includes(state);
}
