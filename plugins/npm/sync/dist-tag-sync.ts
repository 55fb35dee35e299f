import { contentShape, inVersion, saveContent, type TaskContext, type VersionWriter } from '../../../core/plugin-api.js';
import { NpmDistTag } from '../entities/npm-dist-tag.js';
import { isDistTagName } from '../registry/package-spec.js';
import type { Selection } from './version-selection.js';

/**
 * Makes the dist-tags of every synced package upstream's, as far as they point at versions the
 * sync took (`latest` included): new tags are added, moved ones replace theirs (the repository
 * key), and tags upstream dropped or pointed elsewhere go. A package without a `latest` tag gets
 * the highest release as `latest` when it is served.
 */
export async function syncDistTags(ctx: TaskContext<unknown>, writer: VersionWriter, selection: Selection): Promise<void> {
  const taken = new Set(selection.versions.map((v) => `${v.name}@${v.version}`));
  const tags = [...selection.distTags].flatMap(([name, upstream]) => Object.entries(upstream)
    .filter(([tag, version]) => isDistTagName(tag) && taken.has(`${name}@${version}`))
    .map(([tag, version]) => ({ name, tag, version })));
  const ids = await saveContent(ctx.em, contentShape(ctx.em, NpmDistTag), tags.map((fields) => ({ fields, files: [] })));
  await writer.add(ids);
  if (selection.distTags.size === 0) return;
  const current = new Set(ids);
  const present = await ctx.em.find(NpmDistTag, { name: { $in: [...selection.distTags.keys()] }, ...inVersion(writer.repository.id, writer.number) });
  await writer.remove(present.filter((tag) => !current.has(tag.id)).map((tag) => tag.id));
}
