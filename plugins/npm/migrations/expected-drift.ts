import type { ExpectedDrift } from '../../../core/plugin-api.js';

/** What the npm plugin's migrations make differently from its entities on purpose. */
export const npmSchemaDrift: ExpectedDrift[] = [{
  why: 'Packages and dist-tags share their name and version columns, so each natural key is a partial unique index of '
    + 'its own type, where the entity\'s @Unique (which the content saver reads) says a plain one.',
  statements: [
    'drop index "content_npm_package_unique"',
    'drop index "content_npm_dist_tag_unique"',
    'alter table "content" add constraint "content_npm_name_npm_version_unique" unique ("npm_name", "npm_version")',
    'alter table "content" add constraint "content_npm_name_npm_tag_npm_version_unique" unique ("npm_name", "npm_tag", "npm_version")',
  ],
}];
