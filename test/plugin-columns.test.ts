import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormOptions } from '../core/db/orm.js';
import type { LarderPlugin } from '../core/plugin/definition.js';
import { loadPlugins } from '../core/plugin/loader.js';
import { checkPropertyClashes } from '../core/plugin/property-clashes.js';
import { StartupError } from '../core/startup-error.js';
import { spawnWatchedLarder } from './support/bare-larder.js';
import { createTestDatabase } from './support/database.js';
import type { LarderProcess } from './support/larder-process.js';
import { deleteRedisKeys, startTestLarder } from './support/test-larder.js';
import file from '../plugins/file/index.js';
import npm from '../plugins/npm/index.js';
import notesA from './fixtures/plugins/notes_a/index.js';
import notesB from './fixtures/plugins/notes_b/index.js';
import notesC from './fixtures/plugins/notes_c/index.js';
import shadow, { ShadowFile, ShadowImage, ShadowRepository } from './fixtures/plugins/shadow/index.js';

// Plugins subclass the core's bases, and each base is one table that every plugin's types share.
// notes_a and notes_b map `digest` to one column on purpose; notes_c maps it to a column of its own.
const fixture = (name: string) => `test/fixtures/plugins/${name}`;
const CLASH = 'plugins "notes_a" (NotesANote) and "notes_c" (NotesCNote) both map property "digest" of the content table, '
  + 'to columns "notes_digest" and "notes_c_digest": give one of them another property name';

/** Whether MikroORM, merging the classes of one table, had to keep a property under a second name. */
async function mikroOrmRenames(plugins: LarderPlugin[]): Promise<boolean> {
  const orm = await MikroORM.init({
    ...ormOptions({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', entities: plugins.flatMap((p) => p.entities), migrations: [], poolSize: 1 }),
    connect: false,
  });
  try {
    return Object.values(orm.getMetadata().getAll()).some((meta) => meta.props.some((p) => p.renamedFrom));
  } finally {
    await orm.close(true);
  }
}

describe('plugins sharing the core tables', () => {
  it('lets the file and npm plugins load together', async () => {
    expect((await loadPlugins(['file', 'npm'])).map((p) => p.name)).toEqual(['file', 'npm']);
  });

  it('refuses two plugins that map one property of a table to two columns, naming both, the property and the columns', async () => {
    const loading = loadPlugins([fixture('notes_a'), fixture('notes_c')]);
    await expect(loading).rejects.toBeInstanceOf(StartupError);
    await expect(loading).rejects.toThrow(CLASH);
  });

  it('names each clash of one plugin\'s types, by columns or by types, in one line', () => {
    expect(() => checkPropertyClashes([{ ...shadow, entities: [ShadowFile, ShadowImage] }])).toThrow(
      'plugin "shadow" maps property "digest" of the content table twice (ShadowFile and ShadowImage), '
      + 'to columns "shadow_file_digest" and "shadow_image_digest": give one of them another property name; '
      + 'plugin "shadow" maps property "size" of the content table twice (ShadowFile and ShadowImage), '
      + 'to column "shadow_size" as types "text" and "integer": give one of them another property name',
    );
  });

  // MikroORM says nothing here: it points the base's property at the plugin's column, for every type.
  it('refuses a plugin\'s type that maps a property of the core\'s base elsewhere', () => {
    expect(() => checkPropertyClashes([{ ...shadow, entities: [ShadowRepository] }])).toThrow(
      'plugin "shadow" (ShadowRepository) maps property "name" of the repository table, which the core (NamedEntity) maps, '
      + 'to columns "name" and "shadow_name": rename it in ShadowRepository',
    );
  });

  it.each([
    { pair: 'file and npm', plugins: [file, npm], clashes: false },
    { pair: 'notes_a and notes_b', plugins: [notesA, notesB], clashes: false },
    { pair: 'notes_a and notes_c', plugins: [notesA, notesC], clashes: true },
    { pair: 'shadow\'s content types', plugins: [{ ...shadow, entities: [ShadowFile, ShadowImage] }], clashes: true },
  ])('refuses $pair exactly when MikroORM would map a property two ways ($clashes)', async ({ plugins, clashes }) => {
    expect(await mikroOrmRenames(plugins)).toBe(clashes);
    if (clashes) expect(() => checkPropertyClashes(plugins)).toThrow(StartupError);
    else expect(() => checkPropertyClashes(plugins)).not.toThrow();
  });
});

describe('larder with two plugins that clash', () => {
  const home = mkdtempSync(join(tmpdir(), 'larder-plugin-columns-'));
  const prefix = `larder-plugin-columns-${randomBytes(6).toString('hex')}`;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    await deleteRedisKeys(prefix);
    rmSync(home, { recursive: true, force: true });
  });

  /** The exit code, or 'listening' if it started after all (then it is stopped). */
  async function outcome(larder: LarderProcess): Promise<number | null | 'listening'> {
    try {
      return await Promise.race([larder.exited, larder.url.then(() => 'listening' as const, () => larder.exited)]);
    } finally {
      await larder.stop();
    }
  }

  it.each(['start', 'migrate'])('larder %s refuses to start, saying which plugins, property and columns in one line', async (command) => {
    const larder = spawnWatchedLarder(command, {
      DATABASE_URL: database.url, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', LARDER_REDIS_PREFIX: prefix,
      LARDER_HOME: home, PORT: '0', LOG_LEVEL: 'info',
      LARDER_PLUGINS: `dist/${fixture('notes_a')},dist/${fixture('notes_c')}`,
    });
    expect(await outcome(larder), larder.output.join('\n')).toBe(1);
    expect(larder.stderr).toEqual([`larder: ${CLASH}`]);
  });
});

describe('larder with two plugins that share a column on purpose', () => {
  let t: Awaited<ReturnType<typeof startTestLarder>>;
  beforeAll(async () => {
    t = await startTestLarder({ env: { LARDER_PLUGINS: `${fixture('notes_a')},${fixture('notes_b')}` } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('stores, filters, orders and lists each plugin\'s notes with their own digests', async () => {
    const added = await t.client.data(`mutation {
      a1: addNotesANote(title: "alpha", digest: "sha-1") { title digest }
      b2: addNotesBNote(subject: "beta", digest: "sha-2") { subject digest }
      a3: addNotesANote(title: "gamma", digest: "sha-3") { title digest }
    }`);
    expect(added).toEqual({
      a1: { title: 'alpha', digest: 'sha-1' }, b2: { subject: 'beta', digest: 'sha-2' }, a3: { title: 'gamma', digest: 'sha-3' },
    });

    const listed = await t.client.data(`{
      newestA: notesANotes(orderBy: [{ field: DIGEST, direction: DESC }]) { nodes { title digest } }
      sha1: notesANotes(filter: { digest: { eq: "sha-1" } }) { nodes { title } }
      allB: notesBNotes { nodes { subject digest } }
      sha1InB: notesBNotes(filter: { digest: { eq: "sha-1" } }) { nodes { subject } }
      contents(orderBy: [{ field: CREATED_AT }]) {
        nodes { type ... on NotesANote { title digest } ... on NotesBNote { subject digest } }
      }
    }`);
    expect(listed).toEqual({
      newestA: { nodes: [{ title: 'gamma', digest: 'sha-3' }, { title: 'alpha', digest: 'sha-1' }] },
      sha1: { nodes: [{ title: 'alpha' }] },
      allB: { nodes: [{ subject: 'beta', digest: 'sha-2' }] },
      sha1InB: { nodes: [] },
      contents: {
        nodes: [
          { type: 'notes_a.note', title: 'alpha', digest: 'sha-1' },
          { type: 'notes_b.note', subject: 'beta', digest: 'sha-2' },
          { type: 'notes_a.note', title: 'gamma', digest: 'sha-3' },
        ],
      },
    });
  });
});
