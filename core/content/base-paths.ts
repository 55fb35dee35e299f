import { resourceName } from '../tasking/resources.js';

/** `a/b/c` → `a`, `a/b`, `a/b/c`. */
export function basePathPrefixes(basePath: string): string[] {
  const segments = basePath.split('/');
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}

/**
 * What a task that claims a base path must hold: the path itself and its first segment, so that
 * two tasks claiming nested paths (`a`, `a/b`) are serialized and cannot both pass the overlap check.
 */
export function basePathLocks(basePath: string): string[] {
  return [...new Set([basePath, basePath.split('/')[0]!])].map((p) => resourceName('distribution:base_path', p));
}
