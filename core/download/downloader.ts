import { pipeline } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ArtifactStorage, StagedFile } from '../storage/artifact-storage.js';
import { DigestMismatch, SizeMismatch, type ExpectedDigests } from '../storage/digests.js';
import { DownloadError, upstreamMismatch } from './download-errors.js';
import { MetadataTooLarge, metadataLimit } from './metadata-limit.js';
import { HttpClient, type HttpResponse } from './http-client.js';
import type { RemoteSettings } from './remote-settings.js';
import { DEFAULT_BACKOFF, retryDelay, type Backoff } from './retry-policy.js';
import { Semaphore } from './semaphore.js';
import { relay } from './signal-relay.js';

/** A retry about to happen, e.g. for a task to log; `error.url` names the download. */
export interface RetryNotice {
  /** How many attempts have failed so far. */
  failedAttempts: number;
  delayMs: number;
  error: DownloadError;
}

export interface DownloaderOptions {
  /** The waits between attempts (tests shorten them). */
  backoff?: Backoff;
  onRetry?: (retry: RetryNotice) => void;
}

/**
 * Downloads for one remote: into artifact storage, verified on the way, at most
 * `downloadConcurrency` at a time, retrying what may pass. Abort rejects with the signal's reason,
 * at once, whether a download is waiting for a slot, transferring or backing off.
 */
export class Downloader {
  private readonly client: HttpClient;
  private readonly slots: Semaphore;

  constructor(
    private readonly settings: RemoteSettings,
    private readonly storage: ArtifactStorage,
    private readonly options: DownloaderOptions = {},
  ) {
    this.client = new HttpClient(settings);
    this.slots = new Semaphore(settings.downloadConcurrency);
  }

  /** How many downloads run at once; more wait for a slot. */
  get concurrency(): number {
    return this.slots.limit;
  }

  /**
   * Streams the file at `url` into the storage's temporary area, checking size and digests as it
   * goes; the caller commits or discards the staged file. Bytes other than `expected` fail with
   * DIGEST_MISMATCH or SIZE_MISMATCH, without a retry and leaving no file behind.
   */
  download(url: string, expected: ExpectedDigests = {}, callerSignal?: AbortSignal): Promise<StagedFile> {
    const signal = relay(callerSignal);
    // A slot is held through the backoff too: an upstream that fails is not helped by more requests.
    return this.slots.run(
      () =>
        this.withRetries(signal, async () => {
          const response = await this.client.get(url, { signal });
          try {
            return await this.storage.stage(response.body, expected, signal);
          } catch (error) {
            throw error instanceof DigestMismatch || error instanceof SizeMismatch ? upstreamMismatch(error, response.url) : error;
          }
        }),
      signal,
    );
  }

  /**
   * An upstream metadata document (a manifest, a packument) of at most `maxBytes`, staged as
   * `download` stages a file. A larger one fails with METADATA_TOO_LARGE, without a retry, as soon
   * as its Content-Length or its bytes say so: before it fills a disk, or memory when it is parsed.
   */
  downloadMetadata(url: string, maxBytes: number, callerSignal?: AbortSignal): Promise<StagedFile> {
    const signal = relay(callerSignal);
    return this.slots.run(
      () =>
        this.withRetries(signal, async () => {
          const response = await this.client.get(url, { signal });
          const length = response.headers['content-length'];
          if (length !== undefined && Number(length) > maxBytes) {
            response.body.destroy();
            throw new MetadataTooLarge(response.url, maxBytes);
          }
          return this.storage.stage(pipeline(response.body, metadataLimit(response.url, maxBytes), () => undefined), {}, signal);
        }),
      signal,
    );
  }

  /**
   * The response for `url`, for the content app to stream on. Retries only until the response
   * starts; the body is the caller's to read (within the remote's total timeout) or destroy. Always
   * the whole file: only the whole can be verified.
   *
   * Takes no download slot: the body is read at a client's pace, and one slow client must not
   * hold up others.
   */
  open(url: string, callerSignal?: AbortSignal): Promise<HttpResponse> {
    const signal = relay(callerSignal);
    return this.withRetries(signal, () => this.client.get(url, { signal }));
  }

  private async withRetries<T>(signal: AbortSignal | undefined, attempt: () => Promise<T>): Promise<T> {
    for (let failedAttempts = 1; ; failedAttempts++) {
      try {
        return await attempt();
      } catch (error) {
        signal?.throwIfAborted();
        if (!(error instanceof DownloadError)) throw error;
        const delayMs = retryDelay(error, failedAttempts, this.settings.maxRetries, this.options.backoff ?? DEFAULT_BACKOFF);
        if (delayMs === null) throw error;
        this.options.onRetry?.({ failedAttempts, delayMs, error });
        // An abort ends the wait with the signal's reason, like every other abort here.
        await sleep(delayMs, undefined, { signal }).catch(() => signal?.throwIfAborted());
      }
    }
  }
}
