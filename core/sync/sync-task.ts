import { text } from 'node:stream/consumers';
import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import { writeVersion } from '../content/new-version.js';
import type { VersionWriter } from '../content/version-writer.js';
import type { Content } from '../db/entities/content.js';
import type { Remote } from '../db/entities/remote.js';
import type { Repository } from '../db/entities/repository.js';
import type { RepositoryVersion } from '../db/entities/repository-version.js';
import { Downloader } from '../download/downloader.js';
import type { StagedFile } from '../storage/artifact-storage.js';
import { defineTask, TaskFailure, type TaskContext, type TaskDefinition } from '../tasking/task-definition.js';
import type { DeclarativeUnit } from './declarative-content.js';
import { runSyncPipeline } from './sync-pipeline.js';

/** What a plugin's sync task gets from `sync<X>`. */
export interface SyncArgs {
  repositoryId: string;
  remoteId: string;
  /** Also remove what the remote no longer has. */
  mirror: boolean;
}

/** The units of a new version, read from upstream metadata. */
export interface SyncUnits {
  units: Iterable<DeclarativeUnit> | AsyncIterable<DeclarativeUnit>;
  /** Units upstream lists, when known, for progress. */
  total?: number;
}

/** What a plugin's sync gets: the loaded remote and repository, a downloader for the remote, and `write`. */
export interface Sync<R extends Remote, P extends Repository> {
  ctx: TaskContext<SyncArgs>;
  remote: R;
  repository: P;
  downloader: Downloader;
  /**
   * Downloads an upstream metadata document (a manifest, a packument) for the sync to read, staged
   * (discard it when done); one over LARDER_MAX_METADATA_BYTES fails the sync with METADATA_TOO_LARGE.
   */
  metadata(url: string): Promise<StagedFile>;
  /** An upstream metadata document read whole as UTF-8 text (an index a parser takes whole), within the same limit. */
  metadataText(url: string): Promise<string>;
  /**
   * Makes the next version from `units` through the core's sync pipeline (removing what upstream no
   * longer lists when the sync mirrors), then lets `also` change it further in the same version;
   * resolves to the new version, or null when nothing changed.
   */
  write(units: SyncUnits, also?: (writer: VersionWriter) => Promise<void>): Promise<RepositoryVersion | null>;
}

export interface SyncTaskDefinition<R extends Remote, P extends Repository> {
  /** `<plugin>.sync`, the task the repository resolver's `sync` names. */
  name: string;
  remote: EntityClass<R>;
  repository: EntityClass<P>;
  contentType: EntityClass<Content>;
  /** Reads upstream metadata and calls `sync.write` once, or not at all to leave the repository as it is. */
  sync(sync: Sync<R, P>): Promise<void>;
}

/**
 * A plugin's sync task with the part every plugin shares: the remote (a user may have deleted it
 * since the sync was asked for: `NOT_FOUND`), the repository, a downloader, and the pipeline
 * writing one version.
 */
export function defineSyncTask<R extends Remote, P extends Repository>(definition: SyncTaskDefinition<R, P>): TaskDefinition<SyncArgs> {
  return defineTask<SyncArgs>({
    name: definition.name,
    async run(ctx) {
      const { remoteId, repositoryId, mirror } = ctx.args;
      const remote = await ctx.em.findOne(definition.remote, { id: remoteId } as FilterQuery<R>);
      if (!remote) throw new TaskFailure(`${definition.remote.name} ${remoteId} no longer exists`, 'NOT_FOUND');
      const repository = await ctx.em.findOneOrFail(definition.repository, { id: repositoryId } as FilterQuery<P>);
      const downloader = new Downloader(remote, ctx.storage);
      const write: Sync<R, P>['write'] = ({ units, total }, also) => writeVersion(ctx, repository.id, async (writer) => {
        await runSyncPipeline(ctx, writer, { remote, downloader, contentType: definition.contentType, units, total, mirror });
        await also?.(writer);
      });
      const metadata = (url: string) => downloader.downloadMetadata(url, ctx.limits.metadataBytes, ctx.signal);
      const metadataText = async (url: string) => {
        const staged = await metadata(url);
        try {
          return await text(staged.open());
        } finally {
          await staged.discard();
        }
      };
      await definition.sync({ ctx, remote, repository, downloader, metadata, metadataText, write });
    },
  });
}
