import type { Orm } from './orm.js';

/**
 * Statements MikroORM's schema generator asks for beyond a plugin's migrations that the migrations
 * leave out on purpose: what entity metadata cannot say (a partial unique index where the entity's
 * `@Unique` says a plain one). Written as the generator writes them (the drift test prints them).
 */
export interface ExpectedDrift {
  why: string;
  statements: string[];
}

/**
 * What MikroORM's schema generator asks for on a database the core's migrations made, though
 * nothing is missing there: what the entity metadata cannot say. Plugins declare theirs
 * (`schemaDrift`). Anything else it asks for is drift, most often a plugin's column that no
 * migration adds (or adds under another name or type).
 */
const CORE_EXPECTED: readonly string[] = [
  // Tables only SQL reads and writes (tasking, version writing, who uploaded an artifact): no entity maps them.
  'drop table if exists "larder_lease" cascade',
  'drop table if exists "task_reservation" cascade',
  'drop table if exists "version_staging" cascade',
  'drop table if exists "artifact_holder" cascade',
  // Task columns only SQL functions write (reaping, fencing), left out of the entity so that no flush touches them.
  'alter table "task" drop column "reaped_at"',
  'alter table "task" drop column "fenced_at"',
  // A task's parent and group are plain ids in the entity (SQL functions link tasks): MikroORM knows no foreign key.
  'alter table "task" drop constraint "task_parent_task_id_foreign"',
  'alter table "task" drop constraint "task_task_group_id_foreign"',
  // MikroORM never matches a nextval(...) column default: it reports the one the entity declares as changed.
  'alter table "task" alter column "seq" type bigint using ("seq"::bigint)',
  'alter table "task" alter column "seq" set default nextval(\'task_seq\')',
  // MikroORM takes a discriminator column for an enum of the types it knows; it is text, so that a plugin adds
  // types without a migration.
  'alter table "content" alter column "type" type text using ("type"::text)',
  'alter table "remote" alter column "type" type text using ("type"::text)',
  'alter table "repository" alter column "type" type text using ("type"::text)',
  'alter table "publication" alter column "type" type text using ("type"::text)',
  'alter table "distribution" alter column "type" type text using ("type"::text)',
  'alter table "content_guard" alter column "type" type text using ("type"::text)',
  // Partial indexes and an operator-class index: MikroORM holds such an index only as SQL copied into a decorator
  // and compared by name, so the migration stays their one source.
  'drop index "content_artifact_relative_path_index"',
  'drop index "repository_content_present_unique"',
  'drop index "repository_version_incomplete_task_index"',
  'drop index "publication_complete_index"',
  'drop index "task_unfinished_worker_index"',
  'drop index "task_waiting_seq_index"',
  // A role is held once per holder and object, a global one (no object) included: a unique index whose nulls are
  // not distinct, which MikroORM cannot declare; and exactly one holder, a check it cannot compare.
  'drop index "role_assignment_unique"',
  'alter table "role_assignment" drop constraint role_assignment_one_holder',
  // Group membership is a many-to-many pivot table, which no entity declares an index on: a user's groups are
  // found by its second key column.
  'drop index "group_member_user_id_index"',
];

const ALTER_TABLE = /^(alter table (?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+") (.*)$/;

/** The clauses of `a, b (c, d), 'e, f'`, split at the commas outside parentheses and quotes. */
function clauses(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === '\'') {
      quote = c;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts;
}

/**
 * The generator's SQL as single statements, whitespace normalized, and an `alter table` of several
 * clauses as one statement per clause, so that a plugin's missing column is a statement of its own
 * whatever else MikroORM puts beside it.
 */
function driftStatements(sql: string): string[] {
  const statements: string[] = [];
  for (const raw of sql.split(/;\s*(?:\n|$)/)) {
    const statement = raw.replace(/\s+/g, ' ').trim();
    if (statement === '') continue;
    const alter = ALTER_TABLE.exec(statement);
    statements.push(...(alter ? clauses(alter[2]!).map((clause) => `${alter[1]} ${clause}`) : [statement]));
  }
  return statements;
}

export interface SchemaDrift {
  /** Statements that would bring the database to the entities, in the generator's order: what the migrations lack. */
  unexpected: string[];
  /** Expected statements the generator did not ask for: with only some plugins loaded, or once one is fixed. */
  unseen: string[];
}

/**
 * How the database the migrations made differs from the entity metadata, beyond what the core
 * expects and `declared` (the `schemaDrift` of the plugins whose entities `orm` has).
 */
export async function schemaDrift(orm: Orm, declared: readonly ExpectedDrift[]): Promise<SchemaDrift> {
  const expected = [...CORE_EXPECTED, ...declared.flatMap((drift) => drift.statements)];
  const asked = driftStatements(await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false }));
  return {
    unexpected: asked.filter((statement) => !expected.includes(statement)),
    unseen: expected.filter((statement) => !asked.includes(statement)),
  };
}

/** What to tell the author of drift, and how to fix it. */
export function describeDrift(unexpected: string[]): string {
  return [
    'the entities differ from the schema the migrations make; MikroORM would run:',
    ...unexpected.map((statement) => `  ${statement};`),
    'Add a migration to the plugin: `npm run migration:new -- <plugin> <what>` writes one from this difference;',
    'then list it in the plugin\'s `migrations`. A difference MikroORM cannot express goes, with why, in the plugin\'s `schemaDrift`',
  ].join('\n');
}
