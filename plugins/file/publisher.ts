import { publish, versionFiles, type TaskContext } from '../../core/plugin-api.js';
import { FilePublication } from './entities/file-publication.js';

/** `relative_path,sha256,size` for every file of the version, one page of the version at a time. */
async function* manifestLines(ctx: TaskContext<unknown>, repositoryId: string, number: number): AsyncGenerator<string> {
  for await (const page of versionFiles(ctx.em, repositoryId, number)) {
    yield page.map((file) => `${file.relativePath},${file.sha256},${file.size ?? ''}\n`).join('');
  }
}

/**
 * Publishes a version of a file repository: its files, and a manifest named `manifest` that
 * lists them (pulp_file's model).
 */
export async function publishFileVersion(ctx: TaskContext<unknown>, versionId: string, manifest: string): Promise<FilePublication> {
  return publish(ctx, FilePublication, versionId, async ({ publication, version, addFile }) => {
    publication.manifest = manifest;
    await addFile(manifest, manifestLines(ctx, version.repository.id, version.number));
  });
}
