import { isPackageName } from '../registry/package-name.js';

/** Where npm publishes: `npm publish --registry <larder>/npm/<basePath>/`. */
export const PUBLISH_PREFIX = '/npm/';

/**
 * The base path and package name of `/npm/<basePath>/<name>`; a scoped name comes as
 * `@scope%2fname` or `@scope/name` (a base path never has a segment starting with `@`).
 */
export function publishAddress(pathname: string): { basePath: string; name: string } | null {
  let segments: string[];
  try {
    segments = pathname.slice(PUBLISH_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
  const nameSegments = segments.length > 2 && segments.at(-2)!.startsWith('@') ? 2 : 1;
  const name = segments.slice(-nameSegments).join('/');
  const basePath = segments.slice(0, -nameSegments).join('/');
  return basePath !== '' && isPackageName(name) ? { basePath, name } : null;
}
