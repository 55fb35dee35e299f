import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import { agentFor } from './agents.js';
import { connectionError, DownloadError, HttpError } from './download-errors.js';
import type { RemoteSettings } from './remote-settings.js';
import { isHttp, parseUrl } from './urls.js';

export interface GetOptions {
  signal?: AbortSignal;
}

/** A 2xx response whose body is still to be read. */
export interface HttpResponse {
  /** Where the body comes from, after redirects, without credentials. */
  readonly url: string;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /**
   * Fails with TRUNCATED when the connection closes early, with TIMEOUT past the total timeout, or
   * with the signal's reason on abort.
   */
  readonly body: Readable;
}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Never sent to an origin other than the remote's (a redirect or a document may lead anywhere), nor are the remote's own headers. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'] as const;

/** One attempt's end: the caller's abort or the total timeout, whichever comes first. */
interface Deadline {
  readonly signal: AbortSignal;
  /** Stops the clock once the attempt is over. */
  finish(): void;
}

/** GET over HTTP(S) with a remote's headers, credentials, TLS settings and timeouts. */
export class HttpClient {
  private readonly headers: OutgoingHttpHeaders;
  private readonly credentialOrigin: string | null;

  constructor(private readonly settings: RemoteSettings) {
    this.credentialOrigin = settings.url ? (parseUrl(settings.url)?.origin ?? null) : null;
    const { username, password } = settings;
    this.headers = {
      'user-agent': 'larder',
      ...Object.fromEntries(Object.entries(settings.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
      ...(username != null && { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` }),
      // Otherwise a server may compress, and the digests would be those of the compressed bytes.
      'accept-encoding': 'identity',
    };
  }

  /** Follows up to 10 redirects; a status other than 2xx fails with an `HttpError`. */
  async get(url: string, options: GetOptions = {}): Promise<HttpResponse> {
    const first = parseUrl(url);
    if (!first || !isHttp(first)) {
      const shown = first?.href ?? url;
      throw new DownloadError('INVALID_URL', shown, `"${shown}" is not an http(s) URL`);
    }
    let target = first;
    const origin = this.credentialOrigin ?? target.origin;
    const deadline = this.deadline(target.href, options.signal);
    try {
      for (let redirects = 0; ; redirects++) {
        const response = await this.request(target, this.headersFor(target, origin), deadline.signal);
        const status = response.statusCode!;
        if (!REDIRECT_STATUSES.has(status)) {
          if (status < 200 || status > 299) {
            response.resume();
            throw new HttpError(target.href, status, response.statusMessage ?? '', response.headers['retry-after']);
          }
          return { url: target.href, status, headers: response.headers, body: bodyOf(response, target.href, deadline) };
        }
        // Read to its end, so the connection can carry the next request.
        response.resume();
        const location = response.headers.location;
        const next = location === undefined ? null : parseUrl(location, target);
        if (!next || !isHttp(next) || redirects === MAX_REDIRECTS) {
          const why = next && isHttp(next) ? `more than ${MAX_REDIRECTS} redirects` : `a redirect to "${next?.href ?? location ?? ''}", not an http(s) URL`;
          throw new DownloadError('REDIRECT_ERROR', target.href, `GET ${target.href} led to ${why}`);
        }
        target = next;
      }
    } catch (error) {
      deadline.finish();
      throw deadline.signal.aborted ? deadline.signal.reason : error;
    }
  }

  private deadline(url: string, signal?: AbortSignal): Deadline {
    const controller = new AbortController();
    const seconds = this.settings.totalTimeout;
    const timeout = after(seconds, () =>
      controller.abort(new DownloadError('TIMEOUT', url, `GET ${url} took longer than the remote's total timeout of ${seconds} s`)),
    );
    const abort = () => controller.abort(signal!.reason);
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
    return {
      signal: controller.signal,
      finish: () => {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', abort);
      },
    };
  }

  private headersFor(url: URL, origin: string): OutgoingHttpHeaders {
    const headers = { ...this.headers };
    if (url.origin !== origin) {
      for (const name of [...CREDENTIAL_HEADERS, ...Object.keys(this.settings.headers ?? {}).map((h) => h.toLowerCase())]) delete headers[name];
    }
    return headers;
  }

  /** Resolves at the response's head; fails with a coded error before it. */
  private request(url: URL, headers: OutgoingHttpHeaders, signal: AbortSignal): Promise<IncomingMessage> {
    const secure = url.protocol === 'https:';
    const seconds = this.settings.connectTimeout;
    return new Promise((resolve, reject) => {
      let connecting = false;
      const request = (secure ? httpsRequest : httpRequest)(url, { agent: agentFor(url, this.settings), headers, signal }, resolve);
      request.on('socket', (socket) => {
        // A kept-alive socket is connected already; only a new one gets the connect timeout.
        if (!socket.connecting) return;
        connecting = true;
        const timeout = after(seconds, () =>
          request.destroy(new DownloadError('CONNECT_TIMEOUT', url.href, `No connection to ${url.host} within ${seconds} s for ${url.href}`)),
        );
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          connecting = false;
          clearTimeout(timeout);
        });
        request.once('close', () => clearTimeout(timeout));
      });
      request.on('error', (error) => reject(connectionError(error, url.href, secure && connecting)));
      request.end();
    });
  }
}

/** The body as a stream that fails, with a coded error, when the connection ends too early. */
function bodyOf(response: IncomingMessage, url: string, deadline: Deadline): Readable {
  const body = new PassThrough();
  // node:http reports a body cut short (fewer bytes than Content-Length, or an unfinished chunked body) this way.
  response.on('error', (error) => {
    const length = response.headers['content-length'];
    const truncated = new DownloadError(
      'TRUNCATED',
      url,
      `GET ${url}: the connection closed before the whole body${length === undefined ? '' : ` (${length} bytes)`} arrived`,
      { cause: error },
    );
    body.destroy(deadline.signal.aborted ? deadline.signal.reason : truncated);
  });
  body.on('close', () => {
    deadline.finish();
    // The reader stopped early (an abort, a failed verification): do not leave the transfer running.
    if (!response.complete) response.destroy();
  });
  response.pipe(body);
  return body;
}

function after(seconds: number | null | undefined, fire: () => void): NodeJS.Timeout | undefined {
  return seconds == null ? undefined : setTimeout(fire, seconds * 1000);
}
