import type { Orm } from '../db/orm.js';
import { sql } from '../db/sql.js';
import { guardRule, type GuardColumns, type GuardRule } from './content-guards.js';

/** What a distribution serves right now: a repository version, and the publication adding files to it. */
export interface DistributionServing {
  distributionId: string;
  /** The distribution's type (discriminator), e.g. `file.file`: picks a plugin's content handler. */
  distributionType: string;
  basePath: string;
  repositoryId: string | null;
  versionNumber: number | null;
  publicationId: string | null;
  /** What a download needs besides the path (null: nothing); the content app checks it before it looks for the path. */
  guard: GuardRule | null;
}

/** A request's distribution and the path asked for below its base path. */
export interface ServingTarget extends DistributionServing {
  /** The decoded request path below the base path, without slashes at either end ('' for the base path itself). */
  path: string;
}

interface Row extends GuardColumns {
  id: string;
  type: string;
  base_path: string;
  repository_id: string | null;
  number: number | null;
  publication_id: string | null;
}

/** The decoded segments of a path below `/content/`, or null when there are none or one does not decode. */
export function urlSegments(urlPath: string): string[] | null {
  const segments = urlPath.split('/').filter(Boolean).map(decodeSegment);
  if (segments.length === 0 || segments.includes(null)) return null;
  return segments as string[];
}

/**
 * The distribution with one of `basePaths` (base paths never nest, so at most one), what it
 * serves (its publication, or its repository's latest version with that version's newest
 * publication), and its content guard: one query, so an unguarded download costs nothing more.
 */
export async function distributionServing(orm: Orm, basePaths: string[]): Promise<DistributionServing | null> {
  const [row] = await sql<Row>(orm, `
    select d.id, d.type, d.base_path, coalesce(p.id, lp.id) as publication_id,
           coalesce(pv.repository_id, lv.repository_id) as repository_id, coalesce(pv.number, lv.number) as number,
           g.id as guard_id, g.type as guard_type, g.header_name as guard_header_name, g.header_value as guard_header_value,
           g.signing_key as guard_signing_key
    from distribution d
    left join content_guard g on g.id = d.content_guard_id
    left join publication p on p.id = d.publication_id and p.complete
    left join repository_version pv on pv.id = p.repository_version_id
    left join repository r on r.id = d.repository_id
    left join repository_version lv on lv.repository_id = r.id and lv.number = r.latest_version_number
    left join lateral (select id from publication where repository_version_id = lv.id and complete
                       order by created_at desc limit 1) lp on true
    where d.base_path = any($1)`, [basePaths]);
  if (!row) return null;
  return {
    distributionId: row.id,
    distributionType: row.type,
    basePath: row.base_path,
    repositoryId: row.repository_id,
    versionNumber: row.number,
    publicationId: row.publication_id,
    guard: guardRule(row),
  };
}

/** The target of a request whose segments start with the distribution's base path. */
export function targetAt(serving: DistributionServing, segments: string[]): ServingTarget {
  return { ...serving, path: segments.slice(serving.basePath.split('/').length).join('/') };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
