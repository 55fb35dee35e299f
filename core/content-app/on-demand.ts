import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { saveArtifact } from '../content/artifacts.js';
import type { Orm } from '../db/orm.js';
import { RemoteArtifact } from '../db/entities/remote-artifact.js';
import { RemotePolicy } from '../db/entities/remote-policy.js';
import { sql } from '../db/sql.js';
import { DownloadError } from '../download/download-errors.js';
import { Downloader } from '../download/downloader.js';
import type { Logger } from '../logger.js';
import type { ArtifactStorage, StagedFile, StagingWriter } from '../storage/artifact-storage.js';
import { DIGEST_ALGORITHMS, Digester, type ExpectedDigests } from '../storage/digests.js';
import { VerifiedStream } from '../storage/verified-stream.js';
import type { ServedFile } from './content-lookup.js';
import { LruCache } from './lru-cache.js';
import { contentType } from './mime-types.js';
import { answerTo, hasBody, WHOLE, writeAnswerHead, type Representation } from './representation.js';

export interface OnDemandDeps {
  orm: Orm;
  storage: ArtifactStorage;
  log: Logger;
}

/**
 * Passes bytes on and copies them into the store's temporary area, at the slower of the two
 * paces. The last chunk is held back until `keep` has stored the file, so a client that received
 * every byte can count on the next request being served from storage.
 */
function storeOnTheWay(writer: StagingWriter, keep: (staged: StagedFile) => Promise<void>): Transform {
  let held: Buffer | null = null;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const previous = held;
      held = chunk;
      if (writer.stream.write(chunk)) callback(null, previous ?? undefined);
      else writer.stream.once('drain', () => callback(null, previous ?? undefined));
    },
    flush(callback) {
      writer.stream.end();
      writer.staged().then(keep).then(() => callback(null, held ?? undefined), callback);
    },
  });
}

/**
 * Serves content that a sync recorded but did not download: fetched from its remote while the
 * client receives it, verified against the digest the sync recorded, and — for the on-demand
 * policy — stored on the way, so the next request is served from storage. The streamed policy
 * never stores. A range request is passed upstream and not stored.
 */
export function onDemandFetcher(deps: OnDemandDeps) {
  const downloaders = new LruCache<string, Downloader>(100);
  const downloaderFor = (remote: RemoteArtifact['remote']) => {
    const key = `${remote.id}@${remote.updatedAt.toISOString()}`;
    let downloader = downloaders.get(key);
    if (!downloader) downloaders.set(key, (downloader = new Downloader(remote, deps.storage)));
    return downloader;
  };

  return async (req: IncomingMessage, res: ServerResponse, file: ServedFile): Promise<void> => {
    const [source] = await deps.orm.em.fork().find(RemoteArtifact, { contentArtifact: file.contentArtifactId! },
      { populate: ['remote'], orderBy: { updatedAt: 'desc' }, limit: 1 });
    if (!source) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not Found: the file is neither stored nor known upstream\n');
      return;
    }
    const expected: ExpectedDigests = {
      ...(source.size !== null && source.size !== undefined ? { size: source.size } : {}),
      // Whatever the remote's metadata promised: a file manifest gives sha256, an npm packument sha512 and sha1.
      ...Object.fromEntries(DIGEST_ALGORITHMS.filter((a) => source[a]).map((a) => [a, source[a]])),
    };
    const representation: Representation = {
      contentType: contentType(file.relativePath),
      size: expected.size,
      ...(expected.sha256 && { etag: `"${expected.sha256}"` }),
    };
    const answer = answerTo(req, representation);
    if (!hasBody(answer)) {
      writeAnswerHead(res, representation, answer);
      res.end();
      return;
    }
    const aborted = new AbortController();
    res.once('close', () => aborted.abort(new Error('the client went away')));
    let upstream;
    try {
      upstream = await downloaderFor(source.remote).open(source.url, aborted.signal, answer.range ?? undefined);
    } catch (error) {
      if (!(error instanceof DownloadError)) throw error;
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Bad Gateway: ${error.message}\n`);
      return;
    }
    if (answer.range && upstream.status === 206) {
      writeAnswerHead(res, representation, answer);
      await pipeline(upstream.body, res).catch(() => undefined);
      return;
    }
    writeAnswerHead(res, representation, WHOLE);
    const writer = source.remote.policy === RemotePolicy.ON_DEMAND ? deps.storage.writer(expected) : null;
    const verified = new VerifiedStream(Digester.promised(expected, source.url));
    try {
      await (writer
        ? pipeline(upstream.body, verified, storeOnTheWay(writer, (staged) => keepArtifact(staged, file.contentArtifactId!)), res)
        : pipeline(upstream.body, verified, res));
    } catch (error) {
      writer?.abort(error as Error);
      res.destroy();
      deps.log.warn({ err: error, url: source.url }, 'on-demand download failed');
    }
  };

  async function keepArtifact(staged: StagedFile, contentArtifactId: string): Promise<void> {
    const artifact = await saveArtifact(deps.orm.em.fork(), deps.storage, staged);
    await sql(deps.orm, 'update content_artifact set artifact_id = $1 where id = $2 and artifact_id is null', [artifact.id, contentArtifactId]);
  }
}
