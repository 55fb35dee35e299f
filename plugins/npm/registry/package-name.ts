/**
 * npm's rules for a package name: an optional `@scope/`, then characters that need no escaping in a
 * URL, not starting with `.` or `_`, at most 214 in all. Capitals are allowed: old packages have them.
 */
export function isPackageName(name: string): boolean {
  if (name.length === 0 || name.length > 214) return false;
  const parts = name.startsWith('@') ? name.slice(1).split('/') : [name];
  if (parts.length !== (name.startsWith('@') ? 2 : 1)) return false;
  return parts.every((part) => part !== '' && encodeURIComponent(part) === part && !/^[._]/.test(part));
}

/** The name as it travels in a registry URL: `@scope%2fname`. */
export function escapedName(name: string): string {
  return name.replace('/', '%2f');
}

/** Where a registry keeps a version's tarball, relative to its root: `@scope/name/-/name-1.0.0.tgz`. */
export function tarballPath(name: string, version: string): string {
  return `${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
}

/**
 * The package a registry path names (`left-pad`, `@scope/name`, however its slash was encoded),
 * or null for any other path (a tarball, a directory, `-/…` endpoints).
 */
export function packageNameAt(path: string): string | null {
  const segments = path.split('/');
  const name = segments.length === 1 || (segments.length === 2 && path.startsWith('@')) ? path : null;
  return name !== null && isPackageName(name) ? name : null;
}
