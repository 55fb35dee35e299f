import type { EntityManager } from '@mikro-orm/postgresql';
import { ExpectedFailure } from '../expected-failure.js';
import type { Task } from '../db/entities/task.js';
import type { Logger } from '../logger.js';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import type { UploadFiles } from '../upload/upload-files.js';
import type { DispatchOptions } from './dispatcher.js';
import type { ProgressHandle, ProgressStart } from './progress.js';

/** The bounds of this installation that tasks keep to. */
export interface TaskLimits {
  /** Bytes of an upstream metadata document a sync downloads (LARDER_MAX_METADATA_BYTES). */
  metadataBytes: number;
}

/** What a task function gets to do its work. */
export interface TaskContext<Args = Record<string, unknown>> {
  /** `userId`: who dispatched it, on whose behalf it acts (null: Larder itself). */
  task: { id: string; name: string; userId: string | null };
  args: Args;
  /** A fork of its own; flushed when the function returns. */
  em: EntityManager;
  log: Logger;
  /** Where artifacts are stored. */
  storage: ArtifactStorage;
  /** Files of uploads in progress. */
  uploads: UploadFiles;
  limits: TaskLimits;
  /** Fires when the task is cancelled: stop at the next safe point. */
  signal: AbortSignal;
  progress(start: ProgressStart): ProgressHandle;
  /** Records the id of an object this task created (a repository version, a publication, …). */
  created(id: string): void;
  /** Dispatches a child task. */
  dispatch(name: string, args: Record<string, unknown>, options?: DispatchOptions): Promise<Task>;
}

export interface TaskDefinition<Args = any> {
  /** Unique, `<plugin>.<action>`, e.g. `file.sync`. */
  name: string;
  run(ctx: TaskContext<Args>): Promise<void>;
}

export function defineTask<Args>(definition: TaskDefinition<Args>): TaskDefinition<Args> {
  return definition;
}

/** An error whose `code` is recorded on the failed task, for clients to act on. */
export class TaskFailure extends ExpectedFailure {}
