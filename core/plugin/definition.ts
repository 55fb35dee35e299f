import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntityClass, MigrationObject } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CallerAccess } from '../access/access.js';
import type { ServingTarget } from '../content-app/serving-target.js';
import type { DocumentBuilder, ServedDocument } from '../content-app/version-documents.js';
import type { ExpectedDrift } from '../db/schema-drift.js';
import type { ApiServices } from '../graphql/context.js';
import type { TaskCleanup } from '../tasking/task-cleanup.js';
import type { TaskDefinition } from '../tasking/task-definition.js';

export interface RouteContext {
  /** A fresh entity manager fork for this request (forked on first use). */
  em: EntityManager;
  services: ApiServices;
  /** The caller's access, from the request's credentials (checked on first use); see `signedIn`. */
  access(): Promise<CallerAccess>;
}

/** A plugin's own HTTP endpoint beside GraphQL (its "live API"), matched by method and path prefix. */
export interface HttpRoute {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | '*';
  /** e.g. `/npm/`; the longest matching prefix wins. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void>;
}

/** One request of the content app to a distribution of a plugin's type. */
export interface ContentRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** What the distribution serves right now, and the decoded path below its base path. */
  target: ServingTarget;
  /** The distribution's public URL, ending in `/` (`<publicUrl>/content/<basePath>/`), for links back to it. */
  baseUrl: string;
  /** A fresh entity manager fork for this request, forked when first read (so read it only when needed). */
  em: EntityManager;
  /**
   * The document `key` names (the handler's own key: a package name, a variant), built from what
   * the target serves by `build` unless one built from the same version is kept; null when
   * `build` says there is none. Send it with `sendDocument`.
   */
  document(key: string, build: DocumentBuilder): Promise<ServedDocument | null>;
}

/**
 * Serves what a plugin's distributions answer beyond stored files (an npm packument, a repository
 * index built on the fly). Returns true when it answered; false leaves the request to the content
 * app's file lookup (a package's tarball, a publication's files, directory listings).
 */
export type ContentHandler = (request: ContentRequest) => Promise<boolean>;

/** Everything a plugin brings, in one declaration (the plugin's `index.ts` default export). */
export interface LarderPlugin {
  /** Lower-case identifier; prefixes its discriminators (`file.file`) and task names (`file.sync`). */
  name: string;
  /** Subclasses of the core's entities (and any entities of its own). */
  entities: EntityClass<unknown>[];
  /** type-graphql resolver classes, typically extending `createBaseResolver(...)`. */
  resolvers: Function[];
  tasks?: TaskDefinition[];
  /** Remove what a failed, cancelled or orphaned task half-made (run for every such task). */
  taskCleanups?: TaskCleanup[];
  routes?: HttpRoute[];
  /** Content handlers by distribution type (discriminator, e.g. `npm.npm`), asked before the file lookup. */
  contentHandlers?: Record<string, ContentHandler>;
  /** Schema changes for its entities, applied after the core's, in this order. */
  migrations?: MigrationObject[];
  /** What its migrations make differently from its entities on purpose, and why. */
  schemaDrift?: ExpectedDrift[];
}

const NAME = /^[a-z][a-z0-9_]*$/;

export function definePlugin(plugin: LarderPlugin): LarderPlugin {
  if (!NAME.test(plugin.name)) throw new Error(`plugin name "${plugin.name}" must be lower-case letters, digits and _`);
  for (const task of plugin.tasks ?? []) {
    if (!task.name.startsWith(`${plugin.name}.`)) {
      throw new Error(`task "${task.name}" of plugin "${plugin.name}" must be named "${plugin.name}.<action>"`);
    }
  }
  for (const type of Object.keys(plugin.contentHandlers ?? {})) {
    if (!type.startsWith(`${plugin.name}.`)) {
      throw new Error(`content handler "${type}" of plugin "${plugin.name}" must be keyed by one of its distribution types, "${plugin.name}.<type>"`);
    }
  }
  for (const migration of plugin.migrations ?? []) {
    if (!migration.name.startsWith(`${plugin.name}-`)) {
      throw new Error(`migration "${migration.name}" of plugin "${plugin.name}" must be named "${plugin.name}-<nnnn>-<what>"`);
    }
  }
  return plugin;
}
