import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ContentCount, ContentSummary } from './content-summary.js';

/** Content present in version `number` of a repository: added at or before it, not removed by it. */
export function inVersion(repositoryId: string, number: number): object {
  return {
    [raw(
      (alias: string) =>
        `${alias}.id in (select rc.content_id from repository_content rc where rc.repository_id = ? ` +
        `and rc.version_added <= ? and (rc.version_removed is null or rc.version_removed > ?))`,
      [repositoryId, number, number],
    )]: true,
  };
}

interface SummaryRow {
  version_id: string;
  type: string;
  present: string | number;
  added: string | number;
  removed: string | number;
}

/**
 * Summaries of several versions in one query. Added and removed are counted against the previous
 * version that still exists, so deleting a version folds its changes into the next one.
 */
export async function contentSummaries(em: EntityManager, versionIds: readonly string[]): Promise<ContentSummary[]> {
  const rows = await em.getConnection().execute<SummaryRow[]>(
    `select v.id as version_id, c.type,
        count(*) filter (where rc.version_removed is null or rc.version_removed > v.number) as present,
        count(*) filter (where rc.version_added > v.previous and (rc.version_removed is null or rc.version_removed > v.number)) as added,
        count(*) filter (where rc.version_added <= v.previous and rc.version_removed > v.previous and rc.version_removed <= v.number) as removed
     from (select v.id, v.repository_id, v.number, coalesce((select max(p.number) from repository_version p
             where p.repository_id = v.repository_id and p.number < v.number and p.complete), -1) as previous
           from repository_version v where v.id in (${versionIds.map(() => '?').join(', ')})) v
     join repository_content rc on rc.repository_id = v.repository_id and rc.version_added <= v.number
     join content c on c.id = rc.content_id
     group by v.id, c.type order by c.type`,
    [...versionIds],
  );
  const count = (type: string, n: string | number) => Object.assign(new ContentCount(), { type, count: Number(n) });
  return versionIds.map((id) => {
    const mine = rows.filter((r) => r.version_id === id);
    return Object.assign(new ContentSummary(), {
      present: mine.filter((r) => Number(r.present) > 0).map((r) => count(r.type, r.present)),
      added: mine.filter((r) => Number(r.added) > 0).map((r) => count(r.type, r.added)),
      removed: mine.filter((r) => Number(r.removed) > 0).map((r) => count(r.type, r.removed)),
    });
  });
}
