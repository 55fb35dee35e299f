import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiToken } from '../db/entities/api-token.js';
import { User } from '../db/entities/user.js';
import { newTokenSecret, tokenDigest } from './token-secrets.js';

/** A token just made, with its secret: the one moment the secret exists outside its holder's hands. */
export interface IssuedApiToken {
  token: ApiToken;
  secret: string;
}

/**
 * Makes a new API token of a user: `createApiToken`, and a package manager's login (`npm login`).
 * Written through a fork of its own, so the flush writes the token and nothing else the caller holds.
 */
export async function issueApiToken(em: EntityManager, userId: string, options: { name: string; expiresAt?: Date | null }): Promise<IssuedApiToken> {
  const secret = newTokenSecret();
  const fork = em.fork();
  const token = fork.create(ApiToken, {
    user: fork.getReference(User, userId), name: options.name, secretDigest: tokenDigest(secret), expiresAt: options.expiresAt ?? null,
  });
  await fork.flush();
  return { token, secret };
}
