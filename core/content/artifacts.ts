import type { EntityManager } from '@mikro-orm/postgresql';
import { Artifact } from '../db/entities/artifact.js';
import { emSql } from '../db/sql.js';
import { Semaphore } from '../download/semaphore.js';
import { withArtifactLocks } from './artifact-locks.js';
import type { ArtifactStorage, StagedFile } from '../storage/artifact-storage.js';

/** Files moved into the store at once: enough to keep the disk busy, a bounded number of open files. */
const COMMITS_AT_ONCE = 16;

/**
 * Moves verified files into the store and records them as artifacts, each once however often it
 * arrives. Under the artifacts' locks the file is put in place, then its row is written, so an
 * artifact row always has its file and orphan cleanup cannot delete one in between.
 * Returns the artifact id of every file's sha256.
 */
export async function saveArtifacts(em: EntityManager, storage: ArtifactStorage, files: readonly StagedFile[]): Promise<Map<string, string>> {
  if (files.length === 0) return new Map();
  const unique = [...new Map(files.map((f) => [f.digests.sha256, f.digests])).values()];
  const column = <K extends keyof StagedFile['digests']>(key: K) => unique.map((d) => d[key]);
  return withArtifactLocks(em, column('sha256'), async (tx) => {
    const slots = new Semaphore(COMMITS_AT_ONCE);
    await Promise.all(files.map((file) => slots.run(() => storage.commit(file))));
    const inserted = await emSql<{ id: string; sha256: string }>(tx, `insert into artifact (id, created_at, updated_at, size, sha256, sha512, sha1, md5)
      select larder_uuid7(), now(), now(), * from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])
      on conflict (sha256) do nothing returning id, sha256`, [column('size'), column('sha256'), column('sha512'), column('sha1'), column('md5')]);
    const ids = new Map(inserted.map((r) => [r.sha256, r.id]));
    // Rows that were there already: only these cost a second statement.
    const known = column('sha256').filter((sha256) => !ids.has(sha256));
    if (known.length > 0) {
      const rows = await emSql<{ id: string; sha256: string }>(tx, 'select id, sha256 from artifact where sha256 = any(?::text[])', [known]);
      for (const row of rows) ids.set(row.sha256, row.id);
    }
    return ids;
  });
}

export async function saveArtifact(em: EntityManager, storage: ArtifactStorage, file: StagedFile): Promise<Artifact> {
  const ids = await saveArtifacts(em, storage, [file]);
  return em.findOneOrFail(Artifact, { id: ids.get(file.digests.sha256)! });
}
