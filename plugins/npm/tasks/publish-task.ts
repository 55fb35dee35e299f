import { Artifact, contentShape, defineTask, saveContent, TaskFailure, writeVersion } from '../../../core/plugin-api.js';
import { NpmDistTag } from '../entities/npm-dist-tag.js';
import { NpmPackage, type PackageManifest } from '../entities/npm-package.js';
import { NpmRepository } from '../entities/npm-repository.js';
import { publishConflict } from '../publish/publish-conflict.js';
import { integrityFromSha512 } from '../registry/integrity.js';
import { tarballPath } from '../registry/package-name.js';

export interface PublishArgs {
  repositoryId: string;
  /** The tarball, stored and checked against the client's integrity and shasum by the publish route. */
  artifactId: string;
  name: string;
  version: string;
  manifest: PackageManifest;
  tags: string[];
}

/**
 * Adds a published version (and the dist-tags it was published with) to its repository in a new
 * version. It holds the repository exclusively, so of two publishes of one version the second
 * finds the first's and fails with CONFLICT.
 */
export const publishTask = defineTask<PublishArgs>({
  name: 'npm.publish',
  async run(ctx) {
    const { repositoryId, artifactId, name, version, manifest, tags } = ctx.args;
    const repository = await ctx.em.findOne(NpmRepository, { id: repositoryId });
    if (!repository) throw new TaskFailure(`NpmRepository ${repositoryId} no longer exists`, 'NOT_FOUND');
    const artifact = await ctx.em.findOneOrFail(Artifact, { id: artifactId });
    const offered = { name, version, integrity: integrityFromSha512(artifact.sha512!), shasum: artifact.sha1! };
    const conflict = await publishConflict(ctx.em, repository, offered);
    if (conflict) throw new TaskFailure(conflict, 'CONFLICT');

    const [packageId] = await saveContent(ctx.em, contentShape(ctx.em, NpmPackage), [{
      fields: { ...offered, manifest, publishedAt: new Date().toISOString() },
      files: [{ relativePath: tarballPath(name, version), artifactId }],
    }]);
    const tagIds = await saveContent(ctx.em, contentShape(ctx.em, NpmDistTag), tags.map((tag) => ({ fields: { name, tag, version }, files: [] })));
    ctx.created(packageId!);
    await writeVersion(ctx, repository.id, (writer) => writer.add([packageId!, ...tagIds]));
  },
});
