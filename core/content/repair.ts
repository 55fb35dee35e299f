import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RemoteArtifact } from '../db/entities/remote-artifact.js';
import { emSql } from '../db/sql.js';
import { Downloader } from '../download/downloader.js';
import type { ArtifactStorage } from '../storage/artifact-storage.js';
import { defineTask, type TaskContext } from '../tasking/task-definition.js';
import { withArtifactLocks } from './artifact-locks.js';

const BATCH = 500;

export interface RepairArgs {
  /** Only the artifacts of this version; every artifact when null. */
  versionId: string | null;
  /** Re-hash every file, not only check that it exists with the right size. */
  verifyChecksums: boolean;
}

interface ArtifactRow {
  id: string;
  sha256: string;
  size: string;
}

/** Whether the stored file is the artifact: present, of its size, and (when asked) of its sha256. */
async function intact(storage: ArtifactStorage, artifact: ArtifactRow, verifyChecksums: boolean): Promise<boolean> {
  const stat = await storage.stat(artifact.sha256);
  if (!stat || stat.size !== Number(artifact.size)) return false;
  if (!verifyChecksums) return true;
  const hash = createHash('sha256');
  await pipeline(storage.open(artifact.sha256), hash);
  return hash.digest('hex') === artifact.sha256;
}

/** Downloads the artifact again from any remote that has it; false when none could. */
async function redownload(ctx: TaskContext<unknown>, artifact: ArtifactRow): Promise<boolean> {
  const sources = await ctx.em.find(RemoteArtifact, { contentArtifact: { artifact: artifact.id } }, { populate: ['remote'] });
  for (const source of sources) {
    try {
      const staged = await new Downloader(source.remote, ctx.storage).download(source.url, { sha256: artifact.sha256, size: Number(artifact.size) }, ctx.signal);
      await withArtifactLocks(ctx.em, [artifact.sha256], () => ctx.storage.commit(staged));
      return true;
    } catch (error) {
      ctx.signal.throwIfAborted();
      ctx.log.warn({ err: error, url: source.url }, 'repair download failed');
    }
  }
  return false;
}

function page(em: EntityManager, versionId: string | null, after: string): Promise<ArtifactRow[]> {
  return versionId
    ? emSql<ArtifactRow>(em, `select distinct a.id, a.sha256, a.size from repository_version v
        join repository_content rc on rc.repository_id = v.repository_id and rc.version_added <= v.number
          and (rc.version_removed is null or rc.version_removed > v.number)
        join content_artifact ca on ca.content_id = rc.content_id
        join artifact a on a.id = ca.artifact_id
        where v.id = ? and a.id > ? order by a.id limit ?`, [versionId, after, BATCH])
    : emSql<ArtifactRow>(em, 'select id, sha256, size from artifact where id > ? order by id limit ?', [after, BATCH]);
}

/**
 * Checks stored artifacts (all, or a version's) and downloads missing or damaged ones again from
 * the remotes that provided them (Pulp's repair). Progress reports count what was checked, found
 * damaged, repaired, and could not be repaired.
 */
export const repairTask = defineTask<RepairArgs>({
  name: 'core.repair',
  async run(ctx) {
    const checked = ctx.progress({ code: 'repair.verified', message: 'Identify missing or corrupted files' });
    const damaged = ctx.progress({ code: 'repair.corrupted', message: 'Missing or corrupted files' });
    const repaired = ctx.progress({ code: 'repair.repaired', message: 'Repaired files' });
    const failed = ctx.progress({ code: 'repair.failed', message: 'Files that could not be repaired' });
    for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
      const artifacts = await page(ctx.em, ctx.args.versionId, after);
      if (artifacts.length === 0) break;
      for (const artifact of artifacts) {
        ctx.signal.throwIfAborted();
        checked.increment();
        if (await intact(ctx.storage, artifact, ctx.args.verifyChecksums)) continue;
        damaged.increment();
        if (await redownload(ctx, artifact)) repaired.increment();
        else failed.increment();
      }
      after = artifacts.at(-1)!.id;
    }
    for (const report of [checked, damaged, repaired, failed]) report.finish();
  },
});
