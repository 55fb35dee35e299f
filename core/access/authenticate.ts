import { createHash, randomBytes } from 'node:crypto';
import { sql, type WithEntityManager } from '../db/sql.js';
import { LruCache } from '../lru-cache.js';
import { MicroBatch } from '../tasking/micro-batch.js';
import { BadCredentials, type Caller } from './caller.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { tokenDigest } from './token-secrets.js';

interface TokenRow {
  token_id: string;
  user_id: string;
  username: string;
  is_admin: boolean;
  /** `last_used_at` is older than LAST_USED_GRANULARITY (or unset). */
  stale: boolean;
}

interface PasswordRow {
  id: string;
  username: string;
  is_admin: boolean;
  password_hash: string;
}

/** `lastUsedAt` is written at most this often per token, so a busy token costs no write per request. */
const LAST_USED_GRANULARITY = '1 minute';

/**
 * Checks the credentials of one request: `Bearer <token secret>` or `Basic base64(user:password)`.
 * No credentials: null (anonymous). Wrong ones: BadCredentials. Every check reads PostgreSQL, so a
 * revoked or expired token, a deleted user or a changed password is refused by every process at once.
 */
export class Authenticator {
  /**
   * Passwords already verified against a stored hash: a script that sends Basic credentials with
   * every request pays the KDF once, not per request. Keyed by a digest of hash and password, so a
   * changed password (a new hash) misses, and no password is kept in memory.
   */
  private readonly verified = new LruCache<string, true>(1000);

  private decoyHash: Promise<string> | null = null;

  private readonly tokens: MicroBatch<string, TokenRow | null>;

  constructor(private readonly db: WithEntityManager) {
    this.tokens = new MicroBatch(async (digests) => {
      const rows = await sql<TokenRow & { digest: string }>(this.db,
        'select * from larder_token_callers($1, $2::interval)', [digests, LAST_USED_GRANULARITY]);
      const found = new Map(rows.map((row) => [row.digest, row]));
      return digests.map((digest) => found.get(digest) ?? null);
    });
  }

  private decoy(): Promise<string> {
    return (this.decoyHash ??= hashPassword(randomBytes(16).toString('hex')));
  }

  async authenticate(authorization: string | undefined): Promise<Caller | null> {
    if (authorization === undefined || authorization.trim() === '') return null;
    const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
    if (/^bearer$/i.test(scheme!)) return this.byToken(value);
    if (/^basic$/i.test(scheme!)) return this.byPassword(value);
    throw new BadCredentials('only Bearer and Basic credentials are accepted');
  }

  /**
   * A read, and a write only when `lastUsedAt` is due: an update in every check (even one that
   * changed no row) made PostgreSQL plan a writing statement and fire its fence trigger on each
   * request, twice the database time of the read alone. The reads of concurrent requests go as one
   * statement (larder_token_callers), each still made after its request came.
   */
  private async byToken(secret: string): Promise<Caller> {
    const row = await this.tokens.call(tokenDigest(secret));
    if (!row) throw new BadCredentials('the token is unknown, expired or revoked');
    if (row.stale) {
      await sql(this.db,
        `update api_token set last_used_at = larder_now()
         where id = $1 and (last_used_at is null or last_used_at < larder_now() - interval '${LAST_USED_GRANULARITY}')`,
        [row.token_id]);
    }
    return { userId: row.user_id, username: row.username, isAdmin: row.is_admin, tokenId: row.token_id };
  }

  private async byPassword(encoded: string): Promise<Caller> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new BadCredentials('Basic credentials must be base64(username:password)');
    return this.signIn(decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  /** A username and password, from Basic credentials or a login exchange (`npm login`). */
  async signIn(username: string, password: string): Promise<Caller> {
    const [row] = await sql<PasswordRow>(this.db,
      'select id, username, is_admin, password_hash from user_account where username = $1', [username]);
    if (!row) {
      // As slow as a wrong password, so the time of a refusal does not tell which usernames exist.
      await verifyPassword(password, await this.decoy());
      throw new BadCredentials('unknown user or wrong password');
    }
    const key = createHash('sha256').update(row.password_hash).update('\0').update(password).digest('base64');
    if (!this.verified.get(key)) {
      if (!(await verifyPassword(password, row.password_hash))) throw new BadCredentials('unknown user or wrong password');
      this.verified.set(key, true);
      await sql(this.db, 'update user_account set last_login_at = larder_now() where id = $1', [row.id]);
    }
    return { userId: row.id, username: row.username, isAdmin: row.is_admin, tokenId: null };
  }
}
