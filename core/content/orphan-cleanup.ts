import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import { defineTask } from '../tasking/task-definition.js';
import { withArtifactLocks } from './artifact-locks.js';

const BATCH = 1000;

export interface OrphanCleanupArgs {
  /** Orphans younger than this are kept: a task may be about to use them. */
  protectionMinutes: number;
}

/** Deletes content no repository version holds, created before `cutoff`; returns how many. */
async function deleteOrphanContent(em: EntityManager, cutoff: Date): Promise<number> {
  const rows = await emSql(em, `delete from content where id in (
      select c.id from content c where c.created_at < ?
        and not exists (select 1 from repository_content rc where rc.content_id = c.id)
      limit ?)
    returning id`, [cutoff, BATCH]);
  return rows.length;
}

/**
 * Deletes artifacts that no content, publication or upload in progress refers to, created before
 * `cutoff`, with their files; returns how many. Each batch holds the artifacts' locks, so a task
 * storing the same bytes at that moment waits and then writes them anew.
 */
async function deleteOrphanArtifacts(em: EntityManager, storage: ArtifactStorage, cutoff: Date): Promise<number> {
  const orphan = `a.created_at < ? and not exists (select 1 from content_artifact ca where ca.artifact_id = a.id)
    and not exists (select 1 from publication_file pf where pf.artifact_id = a.id)`;
  const candidates = await emSql<{ sha256: string }>(em, `select a.sha256 from artifact a where ${orphan} limit ?`, [cutoff, BATCH]);
  if (candidates.length === 0) return 0;
  return withArtifactLocks(em, candidates.map((c) => c.sha256), async (tx) => {
    const deleted = await emSql<{ sha256: string }>(tx, `delete from artifact a where a.sha256 = any(?::text[]) and ${orphan}
      returning a.sha256`, [candidates.map((c) => c.sha256), cutoff]);
    for (const { sha256 } of deleted) await storage.remove(sha256);
    return deleted.length;
  });
}

/**
 * Removes what nothing uses any more: content in no repository version, then artifacts of no
 * content or publication (Pulp's orphan cleanup), in batches, and uploads abandoned before being
 * committed; anything younger than the protection time is spared.
 */
export const orphanCleanupTask = defineTask<OrphanCleanupArgs>({
  name: 'core.orphan-cleanup',
  async run(ctx) {
    const cutoff = new Date(Date.now() - ctx.args.protectionMinutes * 60_000);
    const contents = ctx.progress({ code: 'clean-up.content', message: 'Clean up orphan Content' });
    for (let n; (n = await deleteOrphanContent(ctx.em, cutoff)) > 0;) {
      contents.increment(n);
      ctx.signal.throwIfAborted();
    }
    contents.finish();
    const artifacts = ctx.progress({ code: 'clean-up.artifacts', message: 'Clean up orphan Artifacts' });
    for (let n; (n = await deleteOrphanArtifacts(ctx.em, ctx.storage, cutoff)) > 0;) {
      artifacts.increment(n);
      ctx.signal.throwIfAborted();
    }
    artifacts.finish();
    const uploads = await emSql<{ id: string }>(ctx.em, 'delete from upload where created_at < ? returning id', [cutoff]);
    for (const { id } of uploads) await ctx.uploads.remove(id);
    ctx.progress({ code: 'clean-up.uploads', message: 'Clean up abandoned Uploads', total: uploads.length }).set(uploads.length);
  },
});
