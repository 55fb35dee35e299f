import { Migration } from '@mikro-orm/migrations';

/**
 * Who uploaded each artifact. An artifact is stored once however many upload it, and is otherwise
 * visible only through a repository version one may see; its uploaders may see it (and make
 * content of it) before it is in any version, and nobody else may.
 */
export class ArtifactHolders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table "artifact_holder" (
  "artifact_id" uuid not null references "artifact" ("id") on update cascade on delete cascade,
  "user_id" uuid not null references "user_account" ("id") on update cascade on delete cascade,
  constraint "artifact_holder_pkey" primary key ("user_id", "artifact_id"));
create index "artifact_holder_artifact_id_index" on "artifact_holder" ("artifact_id");
`);
  }
}
