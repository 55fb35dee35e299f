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
  units: AsyncIterable<DeclarativeUnit>;
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
 * The core's sync: upstream units flow through in bounded batches — find what is stored
 * already, download what is missing (immediate policy; verified, with the downloader's bounded
 * concurrency), save artifacts and units, associate them with the new version — so memory holds
 * one batch whatever the size of the repository. On-demand and streamed policies store where each
 * file can be fetched instead of the file.
 */
export async function runSyncPipeline(ctx: TaskContext<unknown>, writer: VersionWriter, options: SyncPipelineOptions): Promise<SyncCounts> {
  const shape = contentShape(ctx.em, options.contentType);
  const downloading = ctx.progress({ code: 'sync.downloading.artifacts', message: 'Downloading Artifacts', total: null });
  const associating = ctx.progress({ code: 'associating.content', message: 'Associating Content', total: options.total ?? null });
  const counts: SyncCounts = { units: 0, downloaded: 0 };
  for await (const batch of batches(options.units, options.batchSize ?? 500)) {
    ctx.signal.throwIfAborted();
    const ids = await saveBatch(ctx, shape, batch, options, (n) => {
      counts.downloaded += n;
      downloading.increment(n);
    });
    await writer.add(ids);
    if (options.mirror) await writer.markSeen(ids);
    counts.units += batch.length;
    associating.increment(batch.length);
  }
  if (options.mirror) await writer.removeUnseen();
  downloading.finish();
  associating.finish();
  return counts;
}

/** Stores one batch of units (downloading what the policy asks for) and returns their ids. */
async function saveBatch(
  ctx: TaskContext<unknown>, shape: ContentShape, batch: DeclarativeUnit[], options: SyncPipelineOptions, downloaded: (n: number) => void,
): Promise<string[]> {
  const { em } = ctx;
  const existing = await findContent(em, shape, batch.map((u) => u.fields));
  const complete = await completeUnits(em, [...existing.values()]);
  const pending = batch.filter((u) => !complete.has(existing.get(keyString(shape, u.fields)) ?? ''));
  const artifactIds = options.remote.policy === RemotePolicy.IMMEDIATE
    ? await obtainArtifacts(ctx, options.downloader, pending.flatMap((u) => u.files), downloaded)
    : new Map<DeclarativeFile, string>();
  const specs: UnitSpec[] = pending.map((unit) => ({
    fields: unit.fields,
    files: unit.files.map((file) => ({
      relativePath: file.relativePath,
      artifactId: artifactIds.get(file) ?? null,
      remote: { remoteId: options.remote.id, url: file.url, expected: file.expected },
    })),
  }));
  const saved = await saveContent(em, shape, specs);
  const savedId = new Map(pending.map((u, i) => [u, saved[i]!]));
  return batch.map((u) => savedId.get(u) ?? existing.get(keyString(shape, u.fields))!);
}

/** Units whose every file is stored: nothing to download or record for them. */
async function completeUnits(em: EntityManager, contentIds: string[]): Promise<Set<string>> {
  if (contentIds.length === 0) return new Set();
  const incomplete = await emSql<{ content_id: string }>(em,
    'select distinct content_id from content_artifact where content_id = any(?::uuid[]) and artifact_id is null', [contentIds]);
  const missing = new Set(incomplete.map((r) => r.content_id));
  return new Set(contentIds.filter((id) => !missing.has(id)));
}

/**
 * The artifact of every file: found by sha256 when stored already, else downloaded. Either every
 * download of the batch succeeds and is stored, or none is kept and the first failure is thrown.
 */
async function obtainArtifacts(
  ctx: TaskContext<unknown>, downloader: Downloader, files: DeclarativeFile[], downloaded: (n: number) => void,
): Promise<Map<DeclarativeFile, string>> {
  const known = files.map((f) => f.expected.sha256).filter((s): s is string => Boolean(s));
  const stored = known.length === 0 ? [] : await emSql<{ id: string; sha256: string }>(ctx.em,
    'select id, sha256 from artifact where sha256 = any(?::text[])', [known]);
  const bySha = new Map(stored.map((a) => [a.sha256, a.id]));
  const toFetch = files.filter((f) => !f.expected.sha256 || !bySha.has(f.expected.sha256));
  const abort = new AbortController();
  const stop = () => abort.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stop, { once: true });
  const results = await Promise.allSettled(toFetch.map(async (file) => {
    try {
      const staged = await downloader.download(file.url, file.expected, abort.signal);
      downloaded(1);
      return staged;
    } catch (error) {
      abort.abort(error);
      throw error;
    }
  }));
  ctx.signal.removeEventListener('abort', stop);
  const staged = results.filter((r): r is PromiseFulfilledResult<StagedFile> => r.status === 'fulfilled').map((r) => r.value);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(staged.map((f) => f.discard()));
    throw abort.signal.reason ?? failure.reason;
  }
  const saved = await saveArtifacts(ctx.em, ctx.storage, staged);
  for (const [sha256, id] of saved) bySha.set(sha256, id);
  const result = new Map<DeclarativeFile, string>();
  toFetch.forEach((file, i) => result.set(file, saved.get(staged[i]!.digests.sha256)!));
  for (const file of files) if (!result.has(file)) result.set(file, bySha.get(file.expected.sha256!)!);
  return result;
}
