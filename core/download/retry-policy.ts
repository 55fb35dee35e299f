import { HttpError, type DownloadError, type DownloadErrorCode } from './download-errors.js';

/** The wait before retry n is about `firstMs · 2^(n-1)`, never more than `maxMs`. */
export interface Backoff {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 1_000, maxMs: 30_000 };

/** The longest `Retry-After` honoured; a server asking for more is taken as a refusal, not a delay. */
const MAX_RETRY_AFTER_SECONDS = 60;

/** Failures of the transfer, which the next attempt may not meet. */
const TRANSIENT: ReadonlySet<DownloadErrorCode> = new Set(['CONNECTION_FAILED', 'CONNECT_TIMEOUT', 'TIMEOUT', 'TRUNCATED']);

/**
 * Milliseconds to wait before retrying after the `failedAttempts`-th failure, or null when the
 * download fails for good: retries are used up, or the error would only repeat (a 404, a TLS error).
 */
export function retryDelay(error: DownloadError, failedAttempts: number, maxRetries: number, backoff: Backoff): number | null {
  if (failedAttempts > maxRetries || !isTransient(error)) return null;
  if (error instanceof HttpError && error.retryAfter !== undefined) {
    const seconds = retryAfterSeconds(error.retryAfter);
    if (seconds !== null) return seconds <= MAX_RETRY_AFTER_SECONDS ? seconds * 1000 : null;
  }
  const ceiling = Math.min(backoff.maxMs, backoff.firstMs * 2 ** (failedAttempts - 1));
  // Jitter, so that many downloads failing together do not all come back at the same moment.
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

function isTransient(error: DownloadError): boolean {
  if (error instanceof HttpError) return error.status === 408 || error.status === 429 || error.status >= 500;
  return TRANSIENT.has(error.code);
}

/** `Retry-After` is either delay-seconds or an HTTP date; null when it is neither. */
function retryAfterSeconds(value: string): number | null {
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}
