/** Who sent a request, once their credentials were checked. */
export interface Caller {
  userId: string;
  username: string;
  isAdmin: boolean;
  /** The token the request carried (null: a password); a session it opened ends when the token does. */
  tokenId: string | null;
}

/** Credentials that were given but are wrong: unknown, expired or revoked token, wrong password. */
export class BadCredentials extends Error {}
