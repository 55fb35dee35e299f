import { describe, expect, it } from 'vitest';
import { resolveAgainst } from '../core/download/urls.js';

describe('resolving a URL found in upstream metadata against the URL it came from', () => {
  it('replaces the last segment of a base that names a file, as a browser would', () => {
    expect(resolveAgainst('https://charts.example.org/stable/index.yaml', 'mychart-1.2.3.tgz'))
      .toBe('https://charts.example.org/stable/mychart-1.2.3.tgz');
    expect(resolveAgainst('https://example.org/repo/PULP_MANIFEST', '../other/a.txt')).toBe('https://example.org/other/a.txt');
    expect(resolveAgainst('https://example.org/repo/', 'dir/a%20b.txt?x=1')).toBe('https://example.org/repo/dir/a%20b.txt?x=1');
  });

  it('takes an absolute reference, or one from the root or of the scheme, whole', () => {
    expect(resolveAgainst('https://example.org/repo/index.yaml', 'http://mirror.example.net/a.tgz')).toBe('http://mirror.example.net/a.tgz');
    expect(resolveAgainst('https://example.org/repo/index.yaml', '/charts/a.tgz')).toBe('https://example.org/charts/a.tgz');
    expect(resolveAgainst('https://example.org/repo/index.yaml', '//cdn.example.org/a.tgz')).toBe('https://cdn.example.org/a.tgz');
  });

  it('drops credentials and fragments, of the base and of the reference', () => {
    expect(resolveAgainst('https://user:secret@example.org/repo/index.yaml#top', 'a.tgz')).toBe('https://example.org/repo/a.tgz');
    expect(resolveAgainst('https://example.org/repo/index.yaml', 'https://u:p@cdn.example.org/a.tgz#frag')).toBe('https://cdn.example.org/a.tgz');
  });

  it('refuses what is not http(s), and a base that does not parse, with INVALID_URL and no credentials shown', () => {
    for (const [base, reference] of [
      ['https://example.org/repo/index.yaml', 'file:///etc/passwd'],
      ['https://example.org/repo/index.yaml', 'ftp://example.org/a.tgz'],
      ['file:///srv/repo/index.yaml', 'a.tgz'],
      ['not a url', 'a.tgz'],
    ] as const) {
      expect(() => resolveAgainst(base, reference)).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
    }
    expect(() => resolveAgainst('https://user:secret@example.org/', 'javascript:alert(1)'))
      .toThrow(expect.not.objectContaining({ message: expect.stringContaining('secret') }));
  });
});
