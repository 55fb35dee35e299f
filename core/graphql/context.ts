import type { EntityManager } from '@mikro-orm/postgresql';
import type { CallerAccess } from '../access/access.js';
import type { Authenticator } from '../access/authenticate.js';
import type { LarderConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import type { UploadFiles } from '../upload/upload-files.js';
import type { TaskDispatcher } from '../tasking/dispatcher.js';
import type { TaskEventBus } from '../tasking/task-events.js';
import type { TaskLifecycle } from '../tasking/task-lifecycle.js';
import type { Loaders } from './loaders.js';

/** What the API shares with every resolver: built once per process. */
export interface ApiServices {
  config: LarderConfig;
  log: Logger;
  tasks: TaskDispatcher;
  events: TaskEventBus;
  lifecycle: TaskLifecycle;
  storage: ArtifactStorage;
  uploads: UploadFiles;
  authenticator: Authenticator;
  /** The base URL clients reach this server at (for upload and content URLs). */
  publicUrl(): string;
}

/** One request's context: its own entity manager fork and loaders, and the caller's access. */
export interface GraphQLContext {
  em: EntityManager;
  access: CallerAccess;
  loaders: Loaders;
  services: ApiServices;
}
