import { createHash, randomBytes } from 'node:crypto';

/** A token's secret names itself (`larder_…`), so secret scanners and people can tell what it is. */
const PREFIX = 'larder_';

export function newTokenSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * What is stored of a secret. A secret has 256 random bits, so one fast hash is enough to make the
 * stored value useless to a reader of the database, and it lets a request find its token by index.
 */
export function tokenDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
