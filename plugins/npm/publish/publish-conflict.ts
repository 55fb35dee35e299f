import type { EntityManager } from '@mikro-orm/postgresql';
import { inVersion } from '../../../core/plugin-api.js';
import { NpmPackage } from '../entities/npm-package.js';
import type { NpmRepository } from '../entities/npm-repository.js';
import { storedWithOtherTarball, type OfferedPackage } from '../stored-packages.js';

/**
 * Why a version may not be published into a repository, or null: like a registry, a repository
 * never takes a version it has again; and a name and version stored already (from anywhere) must
 * be the same tarball.
 */
export async function publishConflict(em: EntityManager, repository: NpmRepository, offered: OfferedPackage): Promise<string | null> {
  const { name, version } = offered;
  const present = await em.count(NpmPackage, { name, version, ...inVersion(repository.id, repository.latestVersionNumber) });
  if (present > 0) return `${name}@${version} is published already in repository ${repository.name}: a published version never changes; publish a new version`;
  const clash = await storedWithOtherTarball(em, [offered]);
  return clash ? `${name}@${version} is stored in Larder already with another tarball (${clash.stored.integrity ?? clash.stored.shasum})` : null;
}
