import { createHash } from 'node:crypto';
import { defineSyncTask, resolveUrl, TaskState } from '../../../core/plugin-api.js';
import { FileContent } from '../entities/file-content.js';
import { FileRemote } from '../entities/file-remote.js';
import { FileRepository } from '../entities/file-repository.js';
import { fileUnits } from '../sync/file-units.js';
import { manifestEntries } from '../sync/manifest.js';

/** What makes a sync's outcome: the remote's settings, the mode, and the upstream manifest. */
function fingerprint(remote: FileRemote, mirror: boolean, manifestSha256: string): string {
  const seen = { remote: remote.id, url: remote.url, policy: remote.policy, changed: remote.updatedAt.toISOString(), mirror, manifestSha256 };
  return createHash('sha256').update(JSON.stringify(seen)).digest('hex');
}

/**
 * Mirrors a remote file repository (a directory with a PULP_MANIFEST) into a new version. The
 * manifest is checked whole before anything is stored, so a bad line stores nothing; a re-sync of
 * an unchanged manifest and remote onto the version the last sync made is skipped.
 */
export const syncTask = defineSyncTask({
  name: 'file.sync',
  remote: FileRemote,
  repository: FileRepository,
  contentType: FileContent,
  async sync({ ctx, remote, repository, metadata, write }) {
    const fetching = ctx.progress({ code: 'sync.downloading.metadata', message: 'Downloading Metadata Files', total: 1 });
    const manifest = await metadata(resolveUrl(remote.url, 'PULP_MANIFEST'));
    fetching.increment();
    fetching.finish();
    try {
      const print = fingerprint(remote, ctx.args.mirror, manifest.digests.sha256);
      if (repository.syncFingerprint === `${print}@${repository.latestVersionNumber}`) {
        ctx.progress({ code: 'sync.skipped', message: 'Skipping sync: the manifest and the remote are unchanged since the last sync' })
          .finish(TaskState.SKIPPED);
        return;
      }
      const parsing = ctx.progress({ code: 'sync.parsing.metadata', message: 'Parsing Metadata Lines' });
      let total = 0;
      for await (const _entry of manifestEntries(manifest.open())) parsing.set(++total);
      parsing.finish();

      const version = await write({ units: fileUnits(manifest.open(), remote.url), total });
      const latest = version?.number ?? repository.latestVersionNumber;
      await ctx.em.nativeUpdate(FileRepository, { id: repository.id }, { syncFingerprint: `${print}@${latest}` });
    } finally {
      await manifest.discard();
    }
  },
});
