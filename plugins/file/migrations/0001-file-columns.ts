import { Migration } from '@mikro-orm/migrations';

/** The file plugin's columns on the core's single-table-inheritance tables. */
export class FileColumns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table "repository" add column "file_manifest" text null, add column "file_autopublish" boolean null;
alter table "content" add column "file_relative_path" text null, add column "file_digest" text null;
alter table "content" add constraint "content_file_relative_path_file_digest_unique" unique ("file_relative_path", "file_digest");
alter table "publication" add column "file_manifest" text null;
`);
  }
}
