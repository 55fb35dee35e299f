import { isSafeRelativePath } from '../content/relative-path.js';
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
  url.pathname += relativePath.split('/').map(encodeURIComponent).join('/');
  return url.href;
}
