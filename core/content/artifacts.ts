import type { EntityManager } from '@mikro-orm/postgresql';
import { Artifact } from '../db/entities/artifact.js';
import { emSql } from '../db/sql.js';
import { withArtifactLocks } from './artifact-locks.js';
import type { ArtifactStorage, StagedFile } from '../storage/artifact-storage.js';

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
    for (const file of files) await storage.commit(file);
    await emSql(tx, `insert into artifact (id, created_at, updated_at, size, sha256, sha512, sha1, md5)
      select larder_uuid7(), now(), now(), * from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])
      on conflict (sha256) do nothing`, [column('size'), column('sha256'), column('sha512'), column('sha1'), column('md5')]);
    const rows = await emSql<{ id: string; sha256: string }>(tx, 'select id, sha256 from artifact where sha256 = any(?::text[])', [column('sha256')]);
    return new Map(rows.map((r) => [r.sha256, r.id]));
  });
}

export async function saveArtifact(em: EntityManager, storage: ArtifactStorage, file: StagedFile): Promise<Artifact> {
  const ids = await saveArtifacts(em, storage, [file]);
  return em.findOneOrFail(Artifact, { id: ids.get(file.digests.sha256)! });
}
