import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';

/** Tables whose rows roles are granted on: a role on one is a role on that row (and what belongs to it). */
export const OBJECT_KINDS = ['repository', 'remote', 'distribution', 'content_guard'] as const;

/** The table of the object with this id, among those roles are granted on; null when there is none. */
export async function objectKindOf(em: EntityManager, id: string): Promise<string | null> {
  const [row] = await emSql<{ kind: string }>(em,
    OBJECT_KINDS.map((kind) => `select '${kind}' as kind from "${kind}" where id = ?`).join(' union all '),
    OBJECT_KINDS.map(() => id));
  return row?.kind ?? null;
}
