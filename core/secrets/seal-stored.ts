import { sql, type WithEntityManager } from '../db/sql.js';
import { seal } from './secret-box.js';

interface RemoteSecrets {
  id: string;
  password: string | null;
  client_key: string | null;
  headers: Record<string, string> | null;
}

/**
 * Seals the secrets of remotes stored before secrets were sealed (or written in clear by hand):
 * at every start, so an upgraded installation keeps no secret in clear. Idempotent; remotes are few.
 */
export async function sealStoredSecrets(db: WithEntityManager): Promise<number> {
  const clear = await sql<RemoteSecrets>(db,
    `select id, password, client_key, headers from remote
     where password not like 'larder:v1:%' or client_key not like 'larder:v1:%'
        or exists (select 1 from jsonb_each_text(headers) h where h.value not like 'larder:v1:%')`);
  for (const remote of clear) {
    const headers = Object.fromEntries(Object.entries(remote.headers ?? {}).map(([name, value]) => [name, seal(value)]));
    await sql(db, 'update remote set password = $2, client_key = $3, headers = $4 where id = $1', [
      remote.id, remote.password === null ? null : seal(remote.password), remote.client_key === null ? null : seal(remote.client_key),
      JSON.stringify(headers),
    ]);
  }
  return clear.length;
}
