import { Migration } from '@mikro-orm/migrations';

/**
 * The cleanup after a failed or orphaned task finds the versions it left incomplete by its id
 * (repository_version.task_id, added by 0004); few versions are ever incomplete, so the index is
 * partial and tiny.
 */
export class IncompleteVersionIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "repository_version_incomplete_task_index" on "repository_version" ("task_id") where not "complete";`);
  }
}
