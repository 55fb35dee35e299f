/** What npm asks a registry about its user: `npm login` (legacy) and `npm whoami`. */
export type AccountRequest =
  | { kind: 'login'; basePath: string; username: string }
  | { kind: 'whoami'; basePath: string };

const LOGIN = /^(?<basePath>.+)\/-\/user\/org\.couchdb\.user:(?<username>[^/]+)$/;
const WHOAMI = /^(?<basePath>.+)\/-\/whoami$/;

/**
 * The account request at `<prefix><basePath>/-/user/org.couchdb.user:<name>` or
 * `<prefix><basePath>/-/whoami`, npm's paths below a registry URL, or null for any other path.
 * The suffix is fixed, so the base path is all before it (a base path may have a `-` segment).
 */
export function accountRequest(pathname: string, prefix: string): AccountRequest | null {
  if (!pathname.startsWith(prefix)) return null;
  const path = pathname.slice(prefix.length);
  const whoami = WHOAMI.exec(path);
  if (whoami) return { kind: 'whoami', basePath: whoami.groups!.basePath! };
  const login = LOGIN.exec(path);
  if (!login) return null;
  try {
    return { kind: 'login', basePath: login.groups!.basePath!, username: decodeURIComponent(login.groups!.username!) };
  } catch {
    return null;
  }
}
