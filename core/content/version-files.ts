import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';

/** One file of a unit in a repository version, with what is known of its bytes. */
export interface VersionFile {
  contentId: string;
  relativePath: string;
  /** Null while an on-demand file has not been fetched. */
  artifactId: string | null;
  /** From the artifact, or from where it can be fetched when there is none yet. */
  sha256: string | null;
  size: number | null;
}

interface Row {
  content_id: string;
  relative_path: string;
  artifact_id: string | null;
  sha256: string | null;
  size: string | null;
}

/**
 * Every file of a repository version, in relative-path order, read in pages of `pageSize` so
 * that publishing a repository of any size holds one page in memory.
 */
export async function* versionFiles(em: EntityManager, repositoryId: string, number: number, pageSize = 1000): AsyncGenerator<VersionFile[]> {
  let after: { path: string; id: string } | null = null;
  for (;;) {
    const rows: Row[] = await emSql<Row>(em, `
      select ca.content_id, ca.relative_path, ca.artifact_id, ca.id as link_id,
             coalesce(a.sha256, ra.sha256) as sha256, coalesce(a.size, ra.size) as size
      from repository_content rc
      join content_artifact ca on ca.content_id = rc.content_id
      left join artifact a on a.id = ca.artifact_id
      left join lateral (select r.sha256, r.size from remote_artifact r where r.content_artifact_id = ca.id
                         order by r.updated_at desc limit 1) ra on a.id is null
      where rc.repository_id = ? and rc.version_added <= ? and (rc.version_removed is null or rc.version_removed > ?)
        and (?::text is null or (ca.relative_path, ca.id) > (?::text, ?::uuid))
      order by ca.relative_path, ca.id
      limit ?`,
    [repositoryId, number, number, after?.path ?? null, after?.path ?? null, after?.id ?? null, pageSize]);
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      contentId: r.content_id, relativePath: r.relative_path, artifactId: r.artifact_id,
      sha256: r.sha256, size: r.size === null ? null : Number(r.size),
    }));
    const last = rows.at(-1) as Row & { link_id: string };
    after = { path: last.relative_path, id: last.link_id };
    if (rows.length < pageSize) return;
  }
}
