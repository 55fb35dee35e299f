import { Migration } from '@mikro-orm/migrations';

/**
 * The npm plugin's columns on the core's single-table-inheritance tables. Packages and dist-tags
 * share the name and version columns, so each natural key is a unique index of its own type only.
 */
export class NpmColumns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table "remote" add column "npm_packages" jsonb null, add column "npm_follow_dependencies" boolean null;
alter table "content" add column "npm_name" text null, add column "npm_version" text null, add column "npm_integrity" text null,
  add column "npm_shasum" text null, add column "npm_manifest" jsonb null, add column "npm_published_at" timestamptz null,
  add column "npm_tag" text null;
create unique index "content_npm_package_unique" on "content" ("npm_name", "npm_version") where "type" = 'npm.package';
create unique index "content_npm_dist_tag_unique" on "content" ("npm_name", "npm_tag", "npm_version") where "type" = 'npm.dist_tag';
`);
  }
}
