import { Migration } from '@mikro-orm/migrations';

/** The core's tables, as the entities under core/db/entities describe them. */
export class CoreTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table "artifact" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "size" bigint not null, "sha256" text not null, "sha512" text null, "sha1" text null, "md5" text null, constraint "artifact_pkey" primary key ("id"));
alter table "artifact" add constraint "artifact_sha256_unique" unique ("sha256");

create table "content" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "type" text not null, constraint "content_pkey" primary key ("id"));
create index "content_type_index" on "content" ("type");

create table "content_artifact" ("id" uuid not null, "content_id" uuid not null, "artifact_id" uuid null, "relative_path" text not null, constraint "content_artifact_pkey" primary key ("id"));
alter table "content_artifact" add constraint "content_artifact_content_id_relative_path_unique" unique ("content_id", "relative_path");
create index "content_artifact_artifact_id_index" on "content_artifact" ("artifact_id");

create table "remote" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" text not null, "description" text null, "labels" jsonb not null, "type" text not null, "url" text not null, "policy" text check ("policy" in ('IMMEDIATE', 'ON_DEMAND', 'STREAMED')) not null default 'IMMEDIATE', "download_concurrency" int not null default 10, "max_retries" int not null default 3, "total_timeout" double precision null, "connect_timeout" double precision null, "headers" jsonb not null, "username" text null, "password" text null, "ca_cert" text null, "client_cert" text null, "client_key" text null, "tls_validation" boolean not null default true, constraint "remote_pkey" primary key ("id"));
create index "remote_type_index" on "remote" ("type");
alter table "remote" add constraint "remote_type_name_unique" unique ("type", "name");

create table "repository" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" text not null, "description" text null, "labels" jsonb not null, "type" text not null, "retain_repo_versions" int null, "latest_version_number" int not null default 0, "remote_id" uuid null, constraint "repository_pkey" primary key ("id"));
create index "repository_type_index" on "repository" ("type");
alter table "repository" add constraint "repository_type_name_unique" unique ("type", "name");
create index "repository_remote_id_index" on "repository" ("remote_id");

create table "repository_content" ("id" uuid not null, "repository_id" uuid not null, "content_id" uuid not null, "version_added" int not null, "version_removed" int null, constraint "repository_content_pkey" primary key ("id"));
create index "repository_content_content_id_index" on "repository_content" ("content_id");
create index "repository_content_repository_id_version_removed_index" on "repository_content" ("repository_id", "version_removed");
create index "repository_content_repository_id_version_added_index" on "repository_content" ("repository_id", "version_added");

create table "repository_version" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "repository_id" uuid not null, "number" int not null, "base_version_id" uuid null, "complete" boolean not null default false, constraint "repository_version_pkey" primary key ("id"));
alter table "repository_version" add constraint "repository_version_repository_id_number_unique" unique ("repository_id", "number");

create table "publication" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "type" text not null, "repository_version_id" uuid not null, "complete" boolean not null default false, constraint "publication_pkey" primary key ("id"));
create index "publication_type_index" on "publication" ("type");
create index "publication_repository_version_id_index" on "publication" ("repository_version_id");

create table "distribution" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" text not null, "description" text null, "labels" jsonb not null, "type" text not null, "base_path" text not null, "publication_id" uuid null, "repository_id" uuid null, constraint "distribution_pkey" primary key ("id"));
create index "distribution_type_index" on "distribution" ("type");
alter table "distribution" add constraint "distribution_base_path_unique" unique ("base_path");
alter table "distribution" add constraint "distribution_type_name_unique" unique ("type", "name");

create table "task_group" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "description" text not null, "all_tasks_dispatched" boolean not null default false, constraint "task_group_pkey" primary key ("id"));

create table "upload" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "size" bigint not null, constraint "upload_pkey" primary key ("id"));

create table "worker" ("name" text not null, "hostname" text not null, "pid" int not null, "started_at" timestamptz not null, "last_heartbeat" timestamptz not null, constraint "worker_pkey" primary key ("name"));

alter table "content_artifact" add constraint "content_artifact_content_id_foreign" foreign key ("content_id") references "content" ("id") on update cascade on delete cascade;
alter table "content_artifact" add constraint "content_artifact_artifact_id_foreign" foreign key ("artifact_id") references "artifact" ("id") on update cascade on delete restrict;
alter table "repository" add constraint "repository_remote_id_foreign" foreign key ("remote_id") references "remote" ("id") on update cascade on delete set null;
alter table "repository_content" add constraint "repository_content_repository_id_foreign" foreign key ("repository_id") references "repository" ("id") on update cascade on delete cascade;
alter table "repository_content" add constraint "repository_content_content_id_foreign" foreign key ("content_id") references "content" ("id") on update cascade on delete cascade;
alter table "repository_version" add constraint "repository_version_repository_id_foreign" foreign key ("repository_id") references "repository" ("id") on update cascade on delete cascade;
alter table "repository_version" add constraint "repository_version_base_version_id_foreign" foreign key ("base_version_id") references "repository_version" ("id") on update cascade on delete set null;
alter table "publication" add constraint "publication_repository_version_id_foreign" foreign key ("repository_version_id") references "repository_version" ("id") on update cascade on delete cascade;
alter table "distribution" add constraint "distribution_publication_id_foreign" foreign key ("publication_id") references "publication" ("id") on update cascade on delete set null;
alter table "distribution" add constraint "distribution_repository_id_foreign" foreign key ("repository_id") references "repository" ("id") on update cascade on delete set null;
`);
  }
}
