import type { EntityManager } from '@mikro-orm/postgresql';
import { NpmPackage } from './entities/npm-package.js';

/** A package version as offered: by a sync from upstream, or by a publish. */
export interface OfferedPackage {
  name: string;
  version: string;
  integrity?: string | null;
  shasum?: string | null;
}

const BATCH = 500;

function sameTarball(a: OfferedPackage, b: OfferedPackage): boolean {
  if (a.integrity && b.integrity) return a.integrity === b.integrity;
  if (a.shasum && b.shasum) return a.shasum === b.shasum;
  return true;
}

/**
 * A name and version is one package in Larder, stored once. The first offered version that is
 * stored already with another tarball, with the stored one; null when there is none. Taking the
 * stored one silently would serve other bytes than the offer's source promised.
 */
export async function storedWithOtherTarball(
  em: EntityManager, offered: readonly OfferedPackage[],
): Promise<{ offered: OfferedPackage; stored: NpmPackage } | null> {
  for (let i = 0; i < offered.length; i += BATCH) {
    const batch = offered.slice(i, i + BATCH);
    const stored = await em.find(NpmPackage, { $or: batch.map(({ name, version }) => ({ name, version })) });
    const byKey = new Map(stored.map((p) => [`${p.name}@${p.version}`, p]));
    for (const offer of batch) {
      const match = byKey.get(`${offer.name}@${offer.version}`);
      if (match && !sameTarball(offer, match)) return { offered: offer, stored: match };
    }
  }
  return null;
}
