import { encodedPath, isSafeRelativePath } from '../content/relative-path.js';
import { DownloadError } from './download-errors.js';

/**
 * The URL without credentials or fragment, which are never sent nor shown in a message (user name
 * and password belong in the remote's settings); null when it does not parse.
 */
export function parseUrl(href: string, base?: URL): URL | null {
  if (!URL.canParse(href, base?.href)) return null;
  const url = new URL(href, base);
  url.username = '';
  url.password = '';
  url.hash = '';
  return url;
}

export function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/**
 * The URL of `relativePath` under the directory `base` (with or without its trailing slash; as in
 * RFC 3986, its query is not carried over). `relativePath` is a plain path as found in a remote's
 * metadata, `/`-separated and not URL-encoded: each segment is percent-encoded here, so `a b#c.txt`
 * or `ü.txt` name that very file. A path that is not safe (one that could leave `base`, see
 * `isSafeRelativePath`) is refused.
 */
export function resolveUrl(base: string, relativePath: string): string {
  const url = parseUrl(base);
  if (!url || !isSafeRelativePath(relativePath)) {
    const shown = url?.href ?? base;
    throw new DownloadError('INVALID_URL', shown, `"${relativePath}" is not a relative path under "${shown}"`);
  }
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.pathname += encodedPath(relativePath);
  return url.href;
}

/**
 * Standard URL resolution (RFC 3986) of `reference` against `base`, for metadata that names files
 * by URL: unlike `resolveUrl`, `base` may name a file (Pulp's manifest, Helm's index.yaml), whose
 * last segment a relative reference replaces, and `reference` may be absolute or `..`-relative, as
 * a browser would take it. Credentials and fragment are dropped, and anything but http(s) is refused:
 * upstream metadata must not send a sync to `file:` or smuggle a password into a URL shown to users.
 */
export function resolveAgainst(base: string, reference: string): string {
  const baseUrl = parseUrl(base);
  const url = baseUrl && isHttp(baseUrl) ? parseUrl(reference, baseUrl) : null;
  if (!url || !isHttp(url)) {
    const shown = baseUrl?.href ?? base;
    throw new DownloadError('INVALID_URL', shown, `"${reference}" is not an http(s) URL against "${shown}"`);
  }
  return url.href;
}
