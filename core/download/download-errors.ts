import { ExpectedFailure } from '../expected-failure.js';
import { DigestMismatch, SizeMismatch } from '../storage/digests.js';
import { AddressRefused } from './remote-addresses.js';

/**
 * Why a download failed, as a stable `code` a task records and a user can act on; the message names
 * the URL (never its credentials). A 404 is an `HTTP_ERROR` like any other status: the status is
 * data on `HttpError`, so a caller that cares (the content app answering 404) reads `status`.
 *
 * Bytes that differ from what was expected fail with the storage's `DIGEST_MISMATCH` or
 * `SIZE_MISMATCH` instead (see `upstreamMismatch`).
 */
export type DownloadErrorCode =
  /** The server answered with a status other than 2xx (see `HttpError.status`). */
  | 'HTTP_ERROR'
  /** No connection (TCP and TLS handshake) within the remote's `connectTimeout`. */
  | 'CONNECT_TIMEOUT'
  /** The attempt took longer than the remote's `totalTimeout`. */
  | 'TIMEOUT'
  /** The connection could not be made or broke before a response (refused, reset, unknown host). */
  | 'CONNECTION_FAILED'
  /** The TLS handshake failed: an untrusted or mismatched certificate, or a missing client certificate. */
  | 'TLS_ERROR'
  /** The connection closed before the whole body arrived. */
  | 'TRUNCATED'
  /** Too many redirects, or a redirect to nowhere or to something other than http(s). */
  | 'REDIRECT_ERROR'
  /** The URL is not an http(s) URL, or a relative path would leave its base. */
  | 'INVALID_URL'
  /**
   * The URL, or a redirect, leads to an address outside the public internet (loopback, private,
   * link-local, …) that LARDER_ALLOWED_REMOTE_NETWORKS does not allow; never connected to.
   */
  | 'REMOTE_ADDRESS_REFUSED';

export class DownloadError extends ExpectedFailure {
  declare readonly code: DownloadErrorCode;

  constructor(
    code: DownloadErrorCode,
    /** The URL without credentials. */
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, code, options);
  }
}

export class HttpError extends DownloadError {
  constructor(
    url: string,
    readonly status: number,
    statusText: string,
    /** The response's `Retry-After` header, as sent. */
    readonly retryAfter?: string,
  ) {
    const asked = retryAfter === undefined ? '' : ` (Retry-After: ${retryAfter})`;
    super('HTTP_ERROR', url, `GET ${url} answered ${status} ${statusText}${asked}`);
  }
}

/**
 * Turns what node:http throws before a response into a coded error. `handshaking` is true while a
 * new TLS connection was being set up: certificate failures then carry OpenSSL's codes, not ours.
 */
export function connectionError(error: unknown, url: string, handshaking: boolean): DownloadError {
  if (error instanceof DownloadError) return error;
  if (error instanceof AddressRefused) return new DownloadError('REMOTE_ADDRESS_REFUSED', url, `GET ${url} refused: ${error.message}`);
  const { code, syscall, message } = error as NodeJS.ErrnoException;
  // Failures of the network itself name a system call; TLS failures never do.
  const tls = /^ERR_(SSL|TLS|OSSL)_/.test(code ?? '') || (handshaking && syscall === undefined);
  return tls
    ? new DownloadError('TLS_ERROR', url, `TLS with ${new URL(url).host} failed for ${url}: ${message}; check the remote's caCert, clientCert and clientKey, or tlsValidation`, { cause: error })
    : new DownloadError('CONNECTION_FAILED', url, `GET ${url} failed: ${message}`, { cause: error });
}

/**
 * The storage's verdict on a downloaded body, naming the URL. Not retried: the same URL would
 * serve the same wrong bytes, so the upstream's metadata or file is wrong, not the transfer.
 */
export function upstreamMismatch(error: DigestMismatch | SizeMismatch, url: string): DigestMismatch | SizeMismatch {
  const message = `${url} served other bytes than promised: ${error.message}; the remote's metadata or file is wrong, so Larder does not retry`;
  return error instanceof DigestMismatch ? new DigestMismatch(message, { cause: error }) : new SizeMismatch(message, { cause: error });
}
