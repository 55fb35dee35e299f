/**
 * The sha512 of a subresource-integrity string (`sha512-<base64>`, perhaps among other hashes), as
 * the hex the artifact store checks; null when it holds no well-formed sha512.
 */
export function sha512FromIntegrity(integrity: string): string | null {
  for (const entry of integrity.trim().split(/\s+/)) {
    const match = /^sha512-([A-Za-z0-9+/]{86}==)(\?.*)?$/.exec(entry);
    if (match) return Buffer.from(match[1]!, 'base64').toString('hex');
  }
  return null;
}

/** `sha512-<base64>` of a hex sha512. */
export function integrityFromSha512(sha512: string): string {
  return `sha512-${Buffer.from(sha512, 'hex').toString('base64')}`;
}
