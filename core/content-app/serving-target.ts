import type { Orm } from '../db/orm.js';
import { sql } from '../db/sql.js';
import { basePathPrefixes } from '../content/base-paths.js';

/** What a distribution serves right now: a repository version, and the publication adding files to it. */
export interface ServingTarget {
  distributionId: string;
  /** The distribution's type (discriminator), e.g. `file.file`: picks a plugin's content handler. */
  distributionType: string;
  basePath: string;
  /** The decoded request path below the base path, without slashes at either end ('' for the base path itself). */
  path: string;
  repositoryId: string | null;
  versionNumber: number | null;
  publicationId: string | null;
}

interface Row {
  id: string;
  type: string;
  base_path: string;
  repository_id: string | null;
  number: number | null;
  publication_id: string | null;
}

/**
 * The distribution whose base path the URL path starts with (base paths never nest, so at most
 * one), and what it serves: its publication, or its repository's latest version with that
 * version's newest publication.
 */
export async function servingTarget(orm: Orm, urlPath: string): Promise<ServingTarget | null> {
  const segments = urlPath.split('/').filter(Boolean).map(decodeSegment);
  if (segments.length === 0 || segments.includes(null)) return null;
  const [row] = await sql<Row>(orm, `
    select d.id, d.type, d.base_path, coalesce(p.id, lp.id) as publication_id,
           coalesce(pv.repository_id, lv.repository_id) as repository_id, coalesce(pv.number, lv.number) as number
    from distribution d
    left join publication p on p.id = d.publication_id and p.complete
    left join repository_version pv on pv.id = p.repository_version_id
    left join repository r on r.id = d.repository_id
    left join repository_version lv on lv.repository_id = r.id and lv.number = r.latest_version_number
    left join lateral (select id from publication where repository_version_id = lv.id and complete
                       order by created_at desc limit 1) lp on true
    where d.base_path = any($1)`, [basePathPrefixes((segments as string[]).join('/'))]);
  if (!row) return null;
  return {
    distributionId: row.id,
    distributionType: row.type,
    basePath: row.base_path,
    path: segments.slice(row.base_path.split('/').length).join('/'),
    repositoryId: row.repository_id,
    versionNumber: row.number,
    publicationId: row.publication_id,
  };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
