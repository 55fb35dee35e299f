/**
 * Whether a path from a manifest, an upload or a URL is safe to use under a storage or URL root:
 * relative, made of non-empty segments, never `.` or `..`, no backslashes or control characters.
 */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > 4096 || path.startsWith('/')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** `path` as a URL path: each segment encoded, so that it decodes back to exactly `path`. */
export function encodedPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
