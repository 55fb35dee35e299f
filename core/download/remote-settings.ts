/**
 * What the downloader needs to know of a remote: a plain shape, so the downloader does not depend
 * on the ORM entity (a `Remote` implements it) and tests or the content app can build one by hand.
 */
export interface RemoteSettings {
  /** At most this many downloads of one downloader at a time (at least 1). */
  readonly downloadConcurrency: number;
  /** Attempts after the first one, for failures that may pass (connection, timeout, 429, 5xx). */
  readonly maxRetries: number;
  /**
   * The remote's own URL: its credentials (basic auth, and its extra headers, where tokens go) are
   * sent to this origin only, never to another host a redirect or a metadata document names.
   * Without it, the origin of each requested URL.
   */
  readonly url?: string;
  /** Extra request headers, name → value. */
  readonly headers?: Readonly<Record<string, string>>;
  /** HTTP basic auth. */
  readonly username?: string | null;
  readonly password?: string | null;
  /** A PEM certificate (or bundle) trusted in addition to the public roots. */
  readonly caCert?: string | null;
  /** PEM certificate and key presented to servers that ask for one (mutual TLS). */
  readonly clientCert?: string | null;
  readonly clientKey?: string | null;
  /** False accepts any server certificate; true when not given. */
  readonly tlsValidation?: boolean;
  /** Seconds to establish a connection, TLS handshake included. */
  readonly connectTimeout?: number | null;
  /** Seconds one attempt may take, from the request to the last byte of the body. */
  readonly totalTimeout?: number | null;
}

/** The settings that decide how a TLS connection is made; connections are shared among equal ones. */
export type TlsSettings = Pick<RemoteSettings, 'caCert' | 'clientCert' | 'clientKey' | 'tlsValidation'>;
