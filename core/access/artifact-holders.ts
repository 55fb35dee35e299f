import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';

/** Records that `userId` uploaded the artifact: they may see it and make content of it from now on. */
export async function holdArtifact(em: EntityManager, artifactId: string, userId: string | null): Promise<void> {
  if (userId === null) return;
  await emSql(em, 'insert into artifact_holder (artifact_id, user_id) values (?, ?) on conflict do nothing', [artifactId, userId]);
}
