import { randomBytes } from 'node:crypto';
import { basic, GraphQLClient } from './graphql-client.js';

/** A user made for a test, with a client signed in by one of their tokens. */
export interface TestUser {
  id: string;
  username: string;
  password: string;
  /** The secret of their token (for `.npmrc`, `Authorization: Bearer`). */
  token: string;
  tokenId: string;
  client: GraphQLClient;
}

/**
 * Makes a user (through the API, as `admin` does) and a token of theirs, in one call:
 * `const alice = await makeUser(t.client, 'alice')`.
 */
export async function makeUser(admin: GraphQLClient, username: string, options: { isAdmin?: boolean; expiresAt?: Date } = {}): Promise<TestUser> {
  const password = randomBytes(12).toString('hex');
  const { createUser } = await admin.data<{ createUser: { id: string } }>(
    'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
    { input: { username, password, isAdmin: options.isAdmin ?? false } },
  );
  const created = await tokenFor(admin.as(basic(username, password)), options.expiresAt);
  return { id: createUser.id, username, password, ...created, client: admin.as(`Bearer ${created.token}`) };
}

/** Grants `role` (`VIEWER`, `CONTRIBUTOR`, `OWNER`) to a user, on one object or (no `objectId`) on every object. */
export async function grantRole(admin: GraphQLClient, user: { id: string }, role: string, objectId?: string): Promise<void> {
  await admin.data('mutation ($input: RoleAssignmentInput!) { grantRole(input: $input) { id } }',
    { input: { role, userId: user.id, objectId: objectId ?? null } });
}

/** A client of the admin, signed in once with their password and then by a token of theirs. */
export async function adminClient(url: string, password: string): Promise<GraphQLClient> {
  return new GraphQLClient(url, `Bearer ${(await tokenFor(new GraphQLClient(url, basic('admin', password)))).token}`);
}

/** Where tests and benchmarks serve upstreams: remotes reach loopback only when LARDER_ALLOWED_REMOTE_NETWORKS says so. */
export const LOOPBACK_NETWORKS = '127.0.0.0/8,::1/128';

/** A new token of the client's user. */
export async function tokenFor(client: GraphQLClient, expiresAt?: Date): Promise<{ token: string; tokenId: string }> {
  const { createApiToken } = await client.data<{ createApiToken: { secret: string; token: { id: string } } }>(
    'mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret token { id } } }',
    { input: { name: `test ${randomBytes(3).toString('hex')}`, expiresAt: expiresAt?.toISOString() ?? null } },
  );
  return { token: createApiToken.secret, tokenId: createApiToken.token.id };
}
