import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { saveArtifacts } from '../content/artifacts.js';
import { contentShape, keyString, type ContentShape } from '../content/content-columns.js';
import { findContent, saveContent, type UnitSpec } from '../content/content-saver.js';
import type { VersionWriter } from '../content/version-writer.js';
import type { Content } from '../db/entities/content.js';
import type { Remote } from '../db/entities/remote.js';
import { RemotePolicy } from '../db/entities/remote-policy.js';
import { emSql } from '../db/sql.js';
import type { Downloader } from '../download/downloader.js';
import type { StagedFile } from '../storage/artifact-storage.js';
import type { TaskContext } from '../tasking/task-definition.js';
import { batches } from './batches.js';
import type { DeclarativeFile, DeclarativeUnit } from './declarative-content.js';

export interface SyncPipelineOptions {
  remote: Remote;
  downloader: Downloader;
  contentType: EntityClass<Content>;
  /** A stream (a generator reading upstream metadata) or any iterable, such as an array. */
  units: Iterable<DeclarativeUnit> | AsyncIterable<DeclarativeUnit>;
  /** Units upstream lists, when known, for progress. */
  total?: number;
  /** Remove what upstream no longer lists. */
  mirror: boolean;
  batchSize?: number;
}

export interface SyncCounts {
  units: number;
  downloaded: number;
}

/**
 * Batches fetched while an earlier one is stored: enough that the download slots do not run dry
 * while the database works, few enough that memory holds a handful of batches.
 */
const BATCHES_AHEAD = 2;

/** A batch whose missing files are downloaded and verified, ready to be stored. */
interface FetchedBatch {
  units: DeclarativeUnit[];
  /** Ids of the units stored already, by `keyString`. */
  existing: Map<string, string>;
  /** The units to save (all of them but those stored whole already). */
  pending: DeclarativeUnit[];
  /** The artifact of each file already stored. */
  storedArtifacts: Map<DeclarativeFile, string>;
  /** The downloaded files, not yet stored. */
  staged: Map<DeclarativeFile, StagedFile>;
}

/**
 * The core's sync: upstream units flow through in bounded batches — find what is stored
 * already, download what is missing (immediate policy; verified, with the downloader's bounded
 * concurrency), save artifacts and units, associate them with the new version — so memory holds
 * a few batches whatever the size of the repository. The next batches download while one is
 * stored, so the download slots stay busy through the database's work. On-demand and streamed
 * policies store where each file can be fetched instead of the file.
 */
export async function runSyncPipeline(ctx: TaskContext<unknown>, writer: VersionWriter, options: SyncPipelineOptions): Promise<SyncCounts> {
  const shape = contentShape(ctx.em, options.contentType);
  const downloading = ctx.progress({ code: 'sync.downloading.artifacts', message: 'Downloading Artifacts', total: null });
  const associating = ctx.progress({ code: 'associating.content', message: 'Associating Content', total: options.total ?? null });
  const counts: SyncCounts = { units: 0, downloaded: 0 };
  // Ends the downloads of a batch fetched ahead when the sync fails or is cancelled.
  const abort = new AbortController();
  const stop = () => abort.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stop, { once: true });
  const fetch = (units: DeclarativeUnit[]) => fetchBatch(ctx, shape, units, options, abort.signal, (n) => {
    counts.downloaded += n;
    downloading.increment(n);
  });
  const store = async (batch: FetchedBatch) => {
    const ids = await storeBatch(ctx, shape, batch, options.remote);
    await writer.add(ids);
    if (options.mirror) await writer.markSeen(ids);
    counts.units += batch.units.length;
    associating.increment(batch.units.length);
  };
  // Fetched or fetching, oldest first; each is stored in turn, or discarded if an earlier one fails.
  const ahead: Array<Promise<FetchedBatch>> = [];
  try {
    for await (const units of batches(options.units, options.batchSize ?? 500)) {
      ctx.signal.throwIfAborted();
      const fetching = fetch(units);
      fetching.catch(() => undefined);
      ahead.push(fetching);
      if (ahead.length > BATCHES_AHEAD) await store(await ahead.shift()!);
    }
    while (ahead.length > 0) await store(await ahead.shift()!);
  } catch (error) {
    abort.abort(error);
    await Promise.all(ahead.map((batch) => batch.then((b) => discard(b.staged), () => undefined)));
    throw error;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
  if (options.mirror) await writer.removeUnseen();
  downloading.finish();
  associating.finish();
  return counts;
}

/** Finds what of a batch is stored already and downloads the rest (when the policy stores files). */
async function fetchBatch(
  ctx: TaskContext<unknown>, shape: ContentShape, units: DeclarativeUnit[], options: SyncPipelineOptions, signal: AbortSignal,
  downloaded: (n: number) => void,
): Promise<FetchedBatch> {
  const { em } = ctx;
  const existing = await findContent(em, shape, units.map((u) => u.fields));
  const complete = await completeUnits(em, [...existing.values()]);
  const pending = units.filter((u) => !complete.has(existing.get(keyString(shape, u.fields)) ?? ''));
  const fetched: FetchedBatch = { units, existing, pending, storedArtifacts: new Map(), staged: new Map() };
  if (options.remote.policy !== RemotePolicy.IMMEDIATE) return fetched;
  const files = pending.flatMap((u) => u.files);
  const known = files.map((f) => f.expected.sha256).filter((s): s is string => Boolean(s));
  const stored = known.length === 0 ? [] : await emSql<{ id: string; sha256: string }>(em,
    'select id, sha256 from artifact where sha256 = any(?::text[])', [known]);
  const bySha = new Map(stored.map((a) => [a.sha256, a.id]));
  for (const file of files) {
    const id = file.expected.sha256 && bySha.get(file.expected.sha256);
    if (id) fetched.storedArtifacts.set(file, id);
  }
  fetched.staged = await downloadAll(options.downloader, files.filter((f) => !fetched.storedArtifacts.has(f)), signal, downloaded);
  return fetched;
}

/**
 * Downloads every file. Either all succeed, or none is kept and the first failure is thrown (the
 * others are stopped). As many run as the downloader has slots, each slot taking the next file as
 * it frees: a download waiting its turn is a file in a list, not a pending request.
 */
async function downloadAll(
  downloader: Downloader, files: DeclarativeFile[], signal: AbortSignal, downloaded: (n: number) => void,
): Promise<Map<DeclarativeFile, StagedFile>> {
  signal.throwIfAborted();
  const batchAbort = new AbortController();
  const stop = () => batchAbort.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  const staged = new Map<DeclarativeFile, StagedFile>();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(downloader.concurrency, files.length) }, async () => {
    while (next < files.length && !batchAbort.signal.aborted) {
      const file = files[next++]!;
      try {
        staged.set(file, await downloader.download(file.url, file.expected, batchAbort.signal));
        downloaded(1);
      } catch (error) {
        batchAbort.abort(error);
      }
    }
  }));
  signal.removeEventListener('abort', stop);
  if (batchAbort.signal.aborted) {
    await discard(staged);
    throw batchAbort.signal.reason;
  }
  return staged;
}

async function discard(staged: Map<DeclarativeFile, StagedFile>): Promise<void> {
  await Promise.all([...staged.values()].map((file) => file.discard()));
}

/** Stores a fetched batch: its downloaded artifacts, then its units; returns the ids of all its units. */
async function storeBatch(ctx: TaskContext<unknown>, shape: ContentShape, batch: FetchedBatch, remote: Remote): Promise<string[]> {
  const { em } = ctx;
  const saved = await saveArtifacts(em, ctx.storage, [...batch.staged.values()]);
  const artifactOf = (file: DeclarativeFile) => batch.storedArtifacts.get(file)
    ?? saved.get(batch.staged.get(file)?.digests.sha256 ?? '') ?? null;
  const specs: UnitSpec[] = batch.pending.map((unit) => ({
    fields: unit.fields,
    files: unit.files.map((file) => ({
      relativePath: file.relativePath,
      artifactId: artifactOf(file),
      remote: { remoteId: remote.id, url: file.url, expected: file.expected },
    })),
  }));
  const ids = await saveContent(em, shape, specs);
  const savedId = new Map(batch.pending.map((u, i) => [u, ids[i]!]));
  return batch.units.map((u) => savedId.get(u) ?? batch.existing.get(keyString(shape, u.fields))!);
}

/** Units whose every file is stored: nothing to download or record for them. */
async function completeUnits(em: EntityManager, contentIds: string[]): Promise<Set<string>> {
  if (contentIds.length === 0) return new Set();
  const incomplete = await emSql<{ content_id: string }>(em,
    'select distinct content_id from content_artifact where content_id = any(?::uuid[]) and artifact_id is null', [contentIds]);
  const missing = new Set(incomplete.map((r) => r.content_id));
  return new Set(contentIds.filter((id) => !missing.has(id)));
}
