import { tarballDigests } from './tarball.js';

/** The document `npm publish` PUTs for one version, to send by hand (with `dist` overridden to lie). */
export function publishDocument(name: string, version: string, tarball: Buffer, dist: Record<string, string> = {}): Record<string, unknown> {
  const file = `${name}-${version}.tgz`;
  return {
    _id: name,
    name,
    'dist-tags': { latest: version },
    versions: { [version]: { name, version, _id: `${name}@${version}`, dist: { ...tarballDigests(tarball), tarball: `http://x/${name}/-/${file}`, ...dist } } },
    access: null,
    _attachments: { [file]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length } },
  };
}
