import { Migration } from '@mikro-orm/migrations';

/**
 * What syncing, versioning, publishing, uploading and serving content need beyond the first tables:
 * where on-demand files can be fetched, a publication's own files, the chunks of an upload, the
 * content a sync has seen (for mirroring), and indexes for the content app's lookups.
 */
export class ContentLifecycle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
-- Time-ordered ids (UUID version 7, as core/db/uuid7.ts makes them) for rows that bulk SQL inserts.
create function larder_uuid7() returns uuid language sql volatile as $body$
  select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6),
    52, 1), 53, 1), 'hex')::uuid
$body$;
`);
    this.addSql(`
create table "remote_artifact" (
  "id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
  "content_artifact_id" uuid not null references "content_artifact" ("id") on update cascade on delete cascade,
  "remote_id" uuid not null references "remote" ("id") on update cascade on delete cascade,
  "url" text not null, "size" bigint null, "sha256" text null, "sha512" text null, "sha1" text null, "md5" text null,
  constraint "remote_artifact_pkey" primary key ("id"));
alter table "remote_artifact" add constraint "remote_artifact_content_artifact_id_remote_id_unique" unique ("content_artifact_id", "remote_id");
create index "remote_artifact_remote_id_index" on "remote_artifact" ("remote_id");

create table "publication_file" (
  "id" uuid not null,
  "publication_id" uuid not null references "publication" ("id") on update cascade on delete cascade,
  "relative_path" text not null,
  "artifact_id" uuid not null references "artifact" ("id") on update cascade on delete restrict,
  constraint "publication_file_pkey" primary key ("id"));
alter table "publication_file" add constraint "publication_file_publication_id_relative_path_unique" unique ("publication_id", "relative_path");
create index "publication_file_artifact_id_index" on "publication_file" ("artifact_id");

create table "upload_chunk" (
  "upload_id" uuid not null references "upload" ("id") on update cascade on delete cascade,
  "start" bigint not null, "end" bigint not null, "written" boolean not null default false,
  constraint "upload_chunk_pkey" primary key ("upload_id", "start"));

create unlogged table "version_staging" (
  "version_id" uuid not null references "repository_version" ("id") on delete cascade,
  "content_id" uuid not null,
  constraint "version_staging_pkey" primary key ("version_id", "content_id"));

alter table "repository_version" add column "task_id" uuid null;
alter table "repository" add column "sync_fingerprint" text null;

create index "content_artifact_relative_path_index" on "content_artifact" ("relative_path" text_pattern_ops);
create unique index "repository_content_present_unique" on "repository_content" ("repository_id", "content_id") where "version_removed" is null;
create index "content_created_at_index" on "content" ("created_at");
create index "artifact_created_at_index" on "artifact" ("created_at");
create index "publication_complete_index" on "publication" ("repository_version_id") where "complete";
`);
  }
}
