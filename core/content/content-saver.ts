import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';
import type { ExpectedDigests } from '../storage/digests.js';
import { columnValues, keyString, type ContentShape } from './content-columns.js';

/** Where an on-demand file can be fetched, and what it must hash to. */
export interface RemoteSource {
  remoteId: string;
  url: string;
  expected: ExpectedDigests;
}

/** One file of a unit: its path inside the unit, the stored artifact (null until fetched), where to fetch it. */
export interface UnitFile {
  relativePath: string;
  artifactId: string | null;
  remote?: RemoteSource;
}

/** A unit of content to store: its own properties (natural key included) and its files. */
export interface UnitSpec {
  fields: Record<string, unknown>;
  files: UnitFile[];
}

/** Ids of the stored units with these natural keys, by `keyString`. */
export async function findContent(em: EntityManager, shape: ContentShape, rows: ReadonlyArray<Record<string, unknown>>): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const selected = shape.key.map((c) => `c.${c.column} as "${c.property}"`).join(', ');
  const unnest = shape.key.map((c) => `?::${c.sqlType}[]`).join(', ');
  const join = shape.key.map((c, i) => `c.${c.column} = k.k${i}`).join(' and ');
  const found = await emSql<Record<string, unknown>>(em,
    `select c.id, ${selected} from unnest(${unnest}) as k(${shape.key.map((_, i) => `k${i}`).join(', ')})
     join content c on ${join} where c.type = ?`,
    [...shape.key.map((c) => columnValues(c, rows)), shape.type]);
  return new Map(found.map((row) => [keyString(shape, row), row.id as string]));
}

/**
 * Stores units in bulk, each once: a unit whose natural key exists already is reused (another
 * sync may be storing it at the same moment). Links their files, filling in an artifact that an
 * earlier on-demand sync left out, and records where each file can be fetched. Returns the unit
 * ids in the order given.
 */
export async function saveContent(em: EntityManager, shape: ContentShape, units: readonly UnitSpec[]): Promise<string[]> {
  if (units.length === 0) return [];
  const fields = units.map((u) => u.fields);
  const columns = shape.columns.map((c) => c.column).join(', ');
  const returned = shape.key.map((c) => `${c.column} as "${c.property}"`).join(', ');
  const inserted = await emSql<Record<string, unknown>>(em, `insert into content (id, created_at, updated_at, type, ${columns})
    select larder_uuid7(), now(), now(), ?, * from unnest(${shape.columns.map((c) => `?::${c.sqlType}[]`).join(', ')})
    on conflict do nothing returning id, ${returned}`, [shape.type, ...shape.columns.map((c) => columnValues(c, fields))]);
  const ids = new Map(inserted.map((row) => [keyString(shape, row), row.id as string]));
  // Units stored before (or by another sync just now): only these cost a second statement.
  const known = fields.filter((f) => !ids.has(keyString(shape, f)));
  for (const [key, id] of await findContent(em, shape, known)) ids.set(key, id);
  const unitIds = fields.map((f) => {
    const id = ids.get(keyString(shape, f));
    if (!id) throw new Error(`content ${keyString(shape, f)} was neither stored nor found`);
    return id;
  });
  await linkFiles(em, units, unitIds);
  return unitIds;
}

/**
 * Links each unit's files (one statement), and records where each can be fetched in the same
 * statement: the links it makes or finds are joined to the remote sources by unit and path.
 */
async function linkFiles(em: EntityManager, units: readonly UnitSpec[], unitIds: string[]): Promise<void> {
  // One row per (unit, path): an upsert may not touch a row twice in one statement.
  const links = [...new Map(units.flatMap((u, i) => u.files.map((file) => {
    const link = { contentId: unitIds[i]!, ...file };
    return [`${link.contentId}/${link.relativePath}`, link] as const;
  }))).values()];
  if (links.length === 0) return;
  const link = `insert into content_artifact (id, content_id, artifact_id, relative_path)
    select larder_uuid7(), * from unnest(?::uuid[], ?::uuid[], ?::text[])
    on conflict (content_id, relative_path) do update set artifact_id = coalesce(content_artifact.artifact_id, excluded.artifact_id)`;
  const linkValues = [links.map((l) => l.contentId), links.map((l) => l.artifactId), links.map((l) => l.relativePath)];
  const remote = links.filter((l) => l.remote);
  if (remote.length === 0) {
    await emSql(em, link, linkValues);
    return;
  }
  const expected = (key: keyof ExpectedDigests) => remote.map((l) => l.remote!.expected[key] ?? null);
  await emSql(em, `with linked as (${link} returning id, content_id, relative_path)
    insert into remote_artifact (id, created_at, updated_at, content_artifact_id, remote_id, url, size, sha256, sha512, sha1, md5)
    select larder_uuid7(), now(), now(), linked.id, r.remote_id, r.url, r.size, r.sha256, r.sha512, r.sha1, r.md5
    from unnest(?::uuid[], ?::text[], ?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])
      as r(content_id, relative_path, remote_id, url, size, sha256, sha512, sha1, md5)
    join linked on linked.content_id = r.content_id and linked.relative_path = r.relative_path
    on conflict (content_artifact_id, remote_id) do update set url = excluded.url, size = excluded.size, sha256 = excluded.sha256,
      sha512 = excluded.sha512, sha1 = excluded.sha1, md5 = excluded.md5, updated_at = now()`,
  [...linkValues, remote.map((l) => l.contentId), remote.map((l) => l.relativePath), remote.map((l) => l.remote!.remoteId),
    remote.map((l) => l.remote!.url), expected('size'), expected('sha256'), expected('sha512'), expected('sha1'), expected('md5')]);
}
