import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LarderConfig } from '../config.js';
import { emSql } from '../db/sql.js';
import { uuid7 } from '../db/uuid7.js';
import type { Logger } from '../logger.js';
import { hashPassword } from './passwords.js';

/** Where a generated admin password is kept for the embedded quick start. */
function adminPasswordFile(home: string): string {
  return join(home, 'admin-password');
}

/**
 * On the first start (no users at all) creates `admin`, with LARDER_ADMIN_PASSWORD or a generated
 * password written to `$LARDER_HOME/admin-password` (mode 0600). The file is written inside the
 * transaction that creates the user, so a password that could not be kept is never set. The log
 * says where the password is, never what it is.
 */
export async function bootstrapAdmin(em: EntityManager, config: Pick<LarderConfig, 'adminPassword' | 'home'>, log: Logger): Promise<void> {
  const file = adminPasswordFile(config.home);
  const password = config.adminPassword ?? randomBytes(18).toString('base64url');
  const created = await em.fork().transactional(async (tx) => {
    const [first] = await emSql<{ any: boolean }>(tx, 'select exists (select 1 from user_account) as any');
    if (first!.any) return false;
    const hash = await hashPassword(password);
    const inserted = await emSql(tx,
      `insert into user_account (id, created_at, updated_at, username, display_name, password_hash, is_admin)
       values (?, now(), now(), 'admin', 'Administrator', ?, true) on conflict (username) do nothing returning id`, [uuid7(), hash]);
    if (inserted.length === 0) return false;
    if (config.adminPassword === undefined) {
      mkdirSync(config.home, { recursive: true });
      writeFileSync(file, `${password}\n`, { mode: 0o600 });
    }
    return true;
  });
  if (created && config.adminPassword === undefined) log.warn({ file }, `created the user "admin": its password is in ${file}`);
  else if (created) log.info('created the user "admin" with the password of LARDER_ADMIN_PASSWORD');
  else if (config.adminPassword === undefined && existsSync(file)) log.info({ file }, `the password of the user "admin" is in ${file}`);
}
