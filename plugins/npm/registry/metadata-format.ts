/** The media type of the registry's abbreviated metadata ("corgi"), which npm asks for when it installs. */
export const ABBREVIATED_TYPE = 'application/vnd.npm.install-v1+json';

/**
 * Whether a client prefers the abbreviated packument to the full one, by the q-values of its
 * `Accept` header: npm install asks for the abbreviated type at q=1.0 and `application/json` at 0.8.
 */
export function wantsAbbreviated(accept: string | undefined): boolean {
  let abbreviated = 0;
  let full = 0;
  for (const range of (accept ?? '').split(',')) {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = Number(parameters.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    if (type === ABBREVIATED_TYPE) abbreviated = Math.max(abbreviated, q);
    if (type === 'application/json') full = Math.max(full, q);
  }
  return abbreviated > 0 && abbreviated >= full;
}
