const TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8', html: 'text/html; charset=utf-8', htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', mjs: 'text/javascript; charset=utf-8',
  json: 'application/json', xml: 'application/xml', csv: 'text/csv; charset=utf-8', md: 'text/markdown; charset=utf-8',
  yaml: 'application/yaml', yml: 'application/yaml', toml: 'application/toml',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp', ico: 'image/x-icon',
  pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', tgz: 'application/gzip', bz2: 'application/x-bzip2',
  xz: 'application/x-xz', zst: 'application/zstd', tar: 'application/x-tar', iso: 'application/x-iso9660-image',
  rpm: 'application/x-rpm', deb: 'application/vnd.debian.binary-package', whl: 'application/zip', jar: 'application/java-archive',
  asc: 'application/pgp-signature', sig: 'application/pgp-signature', wasm: 'application/wasm',
};

/** The Content-Type of a served file, by its extension; unknown files are plain bytes. */
export function contentType(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return (dot > 0 && TYPES[name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}
