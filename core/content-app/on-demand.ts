import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { saveArtifact } from '../content/artifacts.js';
import type { Orm } from '../db/orm.js';
import { RemoteArtifact } from '../db/entities/remote-artifact.js';
import { RemotePolicy } from '../db/entities/remote-policy.js';
import { sql } from '../db/sql.js';
import { DownloadError, upstreamMismatch } from '../download/download-errors.js';
import { Downloader } from '../download/downloader.js';
import type { HttpResponse } from '../download/http-client.js';
import type { Logger } from '../logger.js';
import type { ArtifactStorage, StagedFile, StagingWriter } from '../storage/artifact-storage.js';
import { DIGEST_ALGORITHMS, Digester, DigestMismatch, SizeMismatch, type ExpectedDigests } from '../storage/digests.js';
import { readVerified } from '../storage/verified-bytes.js';
import { VerifiedStream } from '../storage/verified-stream.js';
import type { ServedFile } from './content-lookup.js';
import { LruCache } from '../lru-cache.js';
import { contentType } from './mime-types.js';
import { rangeOfWhole } from './range-of-whole.js';
import { answerTo, hasBody, sendBytes, writeAnswerHead, type Representation } from './representation.js';
import { SMALL_FILE_BYTES } from './small-artifacts.js';

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
  const stream = new Transform({
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
  // The writer verifies the bytes: when they go wrong (past the promised size, say), it fails at
  // once, and the way to the client with it.
  writer.staged().catch((error: Error) => stream.destroy(error));
  return stream;
}

const isSmall = (size: number | undefined) => size !== undefined && size <= SMALL_FILE_BYTES;

/** Says why there is no file: the failure's code and message (which name the URL, never upstream's bytes). */
function badGateway(res: ServerResponse, failure: DownloadError | DigestMismatch | SizeMismatch): void {
  res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`Bad Gateway (${failure.code}): ${failure.message}\n`);
}

/**
 * Serves content that a sync recorded but did not download: fetched from its remote, verified
 * against the digests the sync recorded, and — for the on-demand policy — stored on the way, so
 * the next request is served from storage. The streamed policy never stores.
 *
 * A small file is fetched whole and answered once verified: the file, or a 502 that says what was
 * wrong. A large one streams to the client as it arrives; when it turns out wrong, the head has
 * gone out already, and the connection is cut, so the client sees a failed transfer rather than
 * a wrong file.
 *
 * A client's range is never asked of upstream, whose answer to it could not be verified (nor be
 * known to come from the file at all): the whole file is fetched, verified and, on demand, stored,
 * and the range is cut from it; the range's last bytes go out once the whole has proved right.
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
    let upstream: HttpResponse;
    try {
      upstream = await downloaderFor(source.remote).open(source.url, aborted.signal);
    } catch (error) {
      if (!(error instanceof DownloadError)) throw error;
      return badGateway(res, error);
    }
    const stores = source.remote.policy === RemotePolicy.ON_DEMAND;
    const keep = (staged: StagedFile) => keepArtifact(staged, file.contentArtifactId!);
    if (isSmall(expected.size ?? Number(upstream.headers['content-length']))) {
      return answerVerified(req, res, upstream, expected, representation, stores ? keep : null, aborted.signal);
    }
    writeAnswerHead(res, representation, answer);
    const writer = stores ? deps.storage.writer(expected) : null;
    const verified = writer ? storeOnTheWay(writer, keep) : new VerifiedStream(Digester.promised(expected));
    try {
      await (answer.range ? pipeline(upstream.body, verified, rangeOfWhole(answer.range), res) : pipeline(upstream.body, verified, res));
    } catch (error) {
      if (writer) {
        writer.abort(error as Error);
        await writer.staged().catch(() => undefined);
      }
      // The head went out promising the file; only a cut connection can still say it is not.
      res.destroy();
      deps.log.warn({ err: error, url: source.url }, 'on-demand download failed');
    }
  };

  /** Reads a small file whole and verifies it before answering; keeps it first, when `keep` is given. */
  async function answerVerified(
    req: IncomingMessage, res: ServerResponse, upstream: HttpResponse, expected: ExpectedDigests, representation: Representation,
    keep: ((staged: StagedFile) => Promise<void>) | null, signal: AbortSignal,
  ): Promise<void> {
    let verified;
    try {
      verified = await readVerified(upstream.body, Digester.all(expected), signal);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof DigestMismatch || error instanceof SizeMismatch) return badGateway(res, upstreamMismatch(error, upstream.url));
      if (error instanceof DownloadError) return badGateway(res, error);
      throw error;
    }
    const { bytes, digests } = verified;
    if (keep) await keep(await deps.storage.stage(Readable.from([bytes]), digests));
    sendBytes(req, res, { ...representation, etag: `"${digests.sha256}"` }, bytes);
  }

  async function keepArtifact(staged: StagedFile, contentArtifactId: string): Promise<void> {
    const artifact = await saveArtifact(deps.orm.em.fork(), deps.storage, staged);
    await sql(deps.orm, 'update content_artifact set artifact_id = $1 where id = $2 and artifact_id is null', [artifact.id, contentArtifactId]);
  }
}
