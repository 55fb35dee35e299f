import type { Orm } from '../db/orm.js';
import { escapeLike, sql } from '../db/sql.js';
import type { ServingTarget } from './serving-target.js';

/** A file the content app can serve: stored (artifact) or, for on-demand content, still upstream. */
export interface ServedFile {
  relativePath: string;
  artifact: { sha256: string; size: number; createdAt: Date } | null;
  /** The content's link to the file, for fetching it on demand; null for a publication's own files. */
  contentArtifactId: string | null;
}

export interface DirectoryEntry {
  name: string;
  directory: boolean;
}

interface FileRow {
  relative_path: string;
  sha256: string | null;
  size: string | null;
  created_at: Date | string | null;
  content_artifact_id: string | null;
}

/**
 * Every path the target serves: the publication's own files, then the version's content (whose
 * files are looked for in %FILES%: all of content_artifact, or a narrower set named by a CTE).
 */
const SERVED_PATHS = `
  select pf.relative_path, a.sha256, a.size, a.created_at, null::uuid as content_artifact_id, 0 as rank
  from publication_file pf join artifact a on a.id = pf.artifact_id
  where pf.publication_id = $1 and pf.relative_path %CONDITION%
  union all
  select ca.relative_path, a.sha256, a.size, a.created_at, ca.id, 1
  from repository_content rc
  join %FILES% ca on ca.content_id = rc.content_id
  left join artifact a on a.id = ca.artifact_id
  where rc.repository_id = $2 and rc.version_added <= $3 and (rc.version_removed is null or rc.version_removed > $3)
    and ca.relative_path %CONDITION%`;

function served(condition: string, files = 'content_artifact'): string {
  return SERVED_PATHS.replaceAll('%CONDITION%', condition).replace('%FILES%', files);
}

function targetParams(target: ServingTarget): unknown[] {
  return [target.publicationId, target.repositoryId, target.versionNumber];
}

/**
 * One path: the contents with that path first, then whether the version holds one. Few contents
 * share a path, while a version may hold millions; the planner, with statistics not yet updated
 * after a large sync, would otherwise walk the whole version.
 */
const SERVED_FILE = `
  with candidate as materialized (select id, content_id, artifact_id, relative_path from content_artifact where relative_path = $4)
  ${served('= $4', 'candidate')}
  order by rank limit 1`;

export async function findFile(orm: Orm, target: ServingTarget, path: string): Promise<ServedFile | null> {
  if (target.repositoryId === null || path === '') return null;
  const [row] = await sql<FileRow>(orm, SERVED_FILE, [...targetParams(target), path]);
  if (!row) return null;
  return {
    relativePath: row.relative_path,
    artifact: row.sha256 === null ? null : { sha256: row.sha256, size: Number(row.size), createdAt: new Date(row.created_at!) },
    contentArtifactId: row.content_artifact_id,
  };
}

/** The entries right below `directory` ('' for the top), at most `limit` of them, by name. */
export async function listDirectory(orm: Orm, target: ServingTarget, directory: string, limit = 10_000): Promise<DirectoryEntry[]> {
  if (target.repositoryId === null) return [];
  const prefix = directory === '' ? '' : `${directory}/`;
  const rows = await sql<{ name: string; directory: boolean }>(orm, `
    select split_part(substr(relative_path, $5), '/', 1) as name, bool_or(strpos(substr(relative_path, $5), '/') > 0) as directory
    from (${served(`like $4`)}) files
    group by 1 order by 1 limit $6`,
  [...targetParams(target), `${escapeLike(prefix)}%`, prefix.length + 1, limit]);
  return rows;
}
