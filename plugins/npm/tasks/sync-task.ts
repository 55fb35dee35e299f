import { defineSyncTask, TaskFailure } from '../../../core/plugin-api.js';
import { NpmPackage } from '../entities/npm-package.js';
import { NpmRemote } from '../entities/npm-remote.js';
import { NpmRepository } from '../entities/npm-repository.js';
import { parsePackageSpec, type PackageSpec } from '../registry/package-spec.js';
import { storedWithOtherTarball } from '../stored-packages.js';
import { syncDistTags } from '../sync/dist-tag-sync.js';
import { packageUnits } from '../sync/package-units.js';
import { UpstreamRegistry } from '../sync/upstream-registry.js';
import { selectVersions } from '../sync/version-selection.js';

function specs(remote: NpmRemote): PackageSpec[] {
  return remote.packages.map((text) => {
    const spec = parsePackageSpec(text);
    if (!spec) throw new TaskFailure(`NpmRemote ${remote.name} lists "${text}", which is not a package spec`, 'BAD_SPEC');
    return spec;
  });
}

/**
 * Mirrors packages of an npm registry into a new version: the packuments of the remote's specs
 * (and, with followDependencies, of everything npm would install with them) are read and checked
 * first, so bad metadata stores nothing; then the core's sync pipeline fetches the tarballs,
 * checked against their sha512 integrity and sha1 shasum, and the dist-tags follow.
 */
export const syncTask = defineSyncTask({
  name: 'npm.sync',
  remote: NpmRemote,
  repository: NpmRepository,
  contentType: NpmPackage,
  async sync({ ctx, remote, metadata, write }) {
    const fetching = ctx.progress({ code: 'sync.downloading.metadata', message: 'Downloading Packuments' });
    const registry = new UpstreamRegistry(metadata, remote.url, () => fetching.increment());
    const selection = await selectVersions(specs(remote), remote.followDependencies, (name) => registry.packument(name))
      .finally(() => registry.close());
    fetching.finish();

    const clash = await storedWithOtherTarball(ctx.em, selection.versions);
    if (clash) {
      const { offered, stored } = clash;
      throw new TaskFailure(`${offered.name}@${offered.version} is stored already with another tarball (${stored.integrity ?? stored.shasum}) than ${remote.url} lists (${offered.integrity ?? offered.shasum})`, 'CONTENT_CONFLICT');
    }
    await write({ units: packageUnits(selection.versions), total: selection.versions.length },
      (writer) => syncDistTags(ctx, writer, selection));
  },
});
