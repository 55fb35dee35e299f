import type { EntityClass } from '@mikro-orm/core';
import { Readable } from 'node:stream';
import { Publication } from '../db/entities/publication.js';
import { PublicationFile } from '../db/entities/publication-file.js';
import { RepositoryVersion } from '../db/entities/repository-version.js';
import type { TaskContext } from '../tasking/task-definition.js';
import { saveArtifact } from './artifacts.js';
import { isSafeRelativePath } from './relative-path.js';

/** What a plugin's publisher gets: the version being published, and a way to add files of its own. */
export interface PublicationWriter<P extends Publication> {
  publication: P;
  version: RepositoryVersion;
  /** Adds a file (metadata such as a manifest or an index) served at `relativePath` of the publication. */
  addFile(relativePath: string, body: Readable | AsyncIterable<string | Buffer>): Promise<void>;
}

/**
 * Publishes a repository version as a new publication of type `entity`: `build` adds its files,
 * then the publication becomes complete (visible and servable) and is recorded as created by the
 * task. If anything fails, the half-made publication is deleted.
 */
export async function publish<P extends Publication>(
  ctx: TaskContext<unknown>,
  entity: EntityClass<P>,
  versionId: string,
  build: (writer: PublicationWriter<P>) => Promise<void>,
): Promise<P> {
  const version = await ctx.em.findOneOrFail(RepositoryVersion, { id: versionId, complete: true });
  const meta = ctx.em.getMetadata().get(entity.name);
  const publication = ctx.em.create(entity, { repositoryVersion: version, complete: false, type: meta.discriminatorValue } as never);
  await ctx.em.persistAndFlush(publication);
  try {
    await build({
      publication,
      version,
      addFile: async (relativePath, body) => {
        if (!isSafeRelativePath(relativePath)) throw new Error(`publication file path "${relativePath}" is not a safe relative path`);
        const staged = await ctx.storage.stage(body instanceof Readable ? body : Readable.from(body), {}, ctx.signal);
        const artifact = await saveArtifact(ctx.em, ctx.storage, staged);
        ctx.em.persist(ctx.em.create(PublicationFile, { publication, relativePath, artifact }));
        await ctx.em.flush();
      },
    });
    ctx.signal.throwIfAborted();
    publication.complete = true;
    await ctx.em.flush();
  } catch (error) {
    await ctx.em.nativeDelete(Publication, { id: publication.id });
    throw error;
  }
  ctx.created(publication.id);
  return publication;
}
