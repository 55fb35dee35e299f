import { Migration } from '@mikro-orm/migrations';

/**
 * Content guards, and the one a distribution may have. Deleting a guard leaves its distributions
 * unguarded (as in Pulp), so deleting one is a decision of its owner, not a side effect.
 */
export class ContentGuards extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table "content_guard" (
  "id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
  "name" text not null, "description" text null, "labels" jsonb not null, "type" text not null,
  "header_name" text null, "header_value" text null, "signing_key" text null,
  constraint "content_guard_pkey" primary key ("id"));
create index "content_guard_type_index" on "content_guard" ("type");
alter table "content_guard" add constraint "content_guard_name_unique" unique ("name");

alter table "distribution" add column "content_guard_id" uuid null;
alter table "distribution" add constraint "distribution_content_guard_id_foreign"
  foreign key ("content_guard_id") references "content_guard" ("id") on update cascade on delete set null;
`);
  }
}
