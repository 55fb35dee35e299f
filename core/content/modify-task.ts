import { defineTask } from '../tasking/task-definition.js';
import { writeVersion } from './new-version.js';

export interface ModifyArgs {
  repositoryId: string;
  /** Content to add; it replaces present content with the same repository key. */
  add: string[];
  /** Content to remove; `['*']` removes everything. */
  remove: string[];
  /** Start from this version's content instead of the latest. */
  baseVersion: number | null;
}

const BATCH = 1000;

/** Adds and removes content in a new repository version; the resolver has checked every id. */
export const modifyRepositoryTask = defineTask<ModifyArgs>({
  name: 'core.modify',
  async run(ctx) {
    const { repositoryId, add, remove, baseVersion } = ctx.args;
    await writeVersion(ctx, repositoryId, async (writer) => {
      if (baseVersion !== null) await writer.resetTo(baseVersion);
      if (remove.includes('*')) await writer.removeAll();
      for (let i = 0; i < remove.length; i += BATCH) await writer.remove(remove.slice(i, i + BATCH).filter((id) => id !== '*'));
      for (let i = 0; i < add.length; i += BATCH) await writer.add(add.slice(i, i + BATCH));
    });
  },
});
