import { resolve } from 'node:path';
import { parseNetwork, type IpNetwork } from './download/ip-networks.js';

/** Everything Larder reads from its environment, validated once at start-up. */
export interface LarderConfig {
  /** PostgreSQL URL; undefined means "run on the embedded PGlite database under `home`". */
  databaseUrl: string | undefined;
  redisUrl: string;
  /** Prefix for every Redis key and channel, so several installations (or test files) share one Redis. */
  redisPrefix: string;
  port: number;
  host: string;
  storagePath: string;
  /** Directory for embedded state (PGlite data, a spawned redis-server's files). */
  home: string;
  /** Worker processors in this process; 0 makes an api-only process. */
  workers: number;
  /** Tasks one worker runs at the same time. */
  workerConcurrency: number;
  heartbeatIntervalMs: number;
  /** A worker whose heartbeat is older than this is dead: its tasks fail with WORKER_GONE. */
  workerTtlMs: number;
  /** How long a stopping worker lets running tasks finish before failing them (WORKER_SHUTDOWN). */
  shutdownGraceMs: number;
  /** How long a cancelled task may take to stop before it is failed (CANCEL_TIMEOUT). */
  cancelGraceMs: number;
  /** How often one process (by lease) re-enqueues runnable tasks whose wake-up may have been lost. */
  sweepIntervalMs: number;
  testTasks: boolean;
  logLevel: LogLevel;
  /** Plugin folder names to load; undefined loads every folder under plugins/. */
  plugins: string[] | undefined;
  dbPoolSize: number;
  /** Orphans younger than this are spared by orphan cleanup unless the caller says otherwise. */
  orphanProtectionMinutes: number;
  /** The first admin's password (LARDER_ADMIN_PASSWORD); unset: one is generated into LARDER_HOME/admin-password. */
  adminPassword: string | undefined;
  /** The key that seals stored secrets (LARDER_SECRET_KEY); unset: one kept under `home` (see core/secrets). */
  secretKey: Buffer | undefined;
  queryLimits: QueryLimitSettings;
  resourceLimits: ResourceLimitSettings;
  /** Networks remotes may reach beside the public internet (none: loopback, private and link-local addresses are refused). */
  allowedRemoteNetworks: IpNetwork[];
}

/** How big one GraphQL operation may be, so that no single request can stall the process. */
export interface QueryLimitSettings {
  /** Nesting of selections. */
  maxDepth: number;
  maxAliases: number;
  /** Tokens of the whole document, counted while parsing: bounds every other walk over it. */
  maxTokens: number;
  maxDirectives: number;
  /** Estimated cost, in which a list's page size multiplies what each item selects. */
  maxCost: number;
  /** Characters of any string value, in the document or the variables. */
  maxStringLength: number;
  /** Characters of a string in an input field meant for long text (PEM certificates and keys). */
  maxLongTextLength: number;
  /** Nesting of lists and input objects in one argument's value. */
  maxInputDepth: number;
}

/**
 * How much one client, or one upstream document, may make Larder hold, and for how long: bounds
 * that a real deployment lives with (large ISOs uploaded, packuments of tens of MB), not small constants.
 */
export interface ResourceLimitSettings {
  /** Bytes of one upload: the most `createUpload` takes, so also the total of its chunks. */
  maxUploadBytes: number;
  /** Bytes of a file POSTed to /artifacts in one request. */
  maxArtifactBodyBytes: number;
  /** Bytes of a GraphQL request body, and of one graphql-ws message. */
  maxGraphQLBodyBytes: number;
  /** Bytes of an upstream metadata document a sync downloads (a PULP_MANIFEST, a packument). */
  maxMetadataBytes: number;
  /** Operations (subscriptions, queries, mutations) running at once on one graphql-ws connection. */
  maxSubscriptionsPerConnection: number;
  /** Bytes waiting to be sent to one graphql-ws client; past it the client is too slow and is dropped. */
  wsMaxBufferedBytes: number;
  /** How long a client may take to send a request's headers. */
  headersTimeoutMs: number;
  /** How long a client may take to send a whole request, body included. */
  requestTimeoutMs: number;
  /** How long an idle kept-alive connection stays open. */
  keepAliveTimeoutMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${key} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${key} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, key: string, protocols: string[]): string | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${key} is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${key} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

function flag(env: Env, key: string): boolean {
  const raw = (env[key] ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(raw)) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  throw new ConfigError(`${key} must be 1 or 0, got "${env[key]}"`);
}

/** A secret: never echoed in an error. */
function secret(env: Env, key: string): string | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 8 || raw.length > 1024) {
    throw new ConfigError(`${key} must be 8 to 1024 characters long (e.g. the output of "openssl rand -hex 16")`);
  }
  return raw;
}

function networkList(env: Env, key: string): IpNetwork[] {
  const entries = (env[key] ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  return entries.map((entry) => {
    const network = parseNetwork(entry);
    if (!network) throw new ConfigError(`${key} must be comma-separated networks such as 10.0.0.0/8,fd00::/8, got "${entry}"`);
    return network;
  });
}

/** 32 random bytes in base64 (`openssl rand -base64 32`); never echoed in an error. */
function secretKey(env: Env, key: string): Buffer | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== raw.trim()) {
    throw new ConfigError(`${key} must be 32 random bytes in base64 (make one with "openssl rand -base64 32")`);
  }
  return bytes;
}

function queryLimits(env: Env): QueryLimitSettings {
  const maxStringLength = integer(env, 'LARDER_MAX_STRING_LENGTH', 16_384, 256, 10 * 1024 * 1024);
  const maxLongTextLength = integer(env, 'LARDER_MAX_LONG_TEXT_LENGTH', Math.max(1024 * 1024, maxStringLength), 256, 10 * 1024 * 1024);
  if (maxLongTextLength < maxStringLength) {
    throw new ConfigError(`LARDER_MAX_LONG_TEXT_LENGTH (${maxLongTextLength}) must be at least LARDER_MAX_STRING_LENGTH (${maxStringLength})`);
  }
  return {
    maxDepth: integer(env, 'LARDER_MAX_QUERY_DEPTH', 15, 2, 1_000),
    maxAliases: integer(env, 'LARDER_MAX_ALIASES', 30, 0, 100_000),
    maxTokens: integer(env, 'LARDER_MAX_TOKENS', 1_000, 100, 1_000_000),
    maxDirectives: integer(env, 'LARDER_MAX_DIRECTIVES', 50, 0, 100_000),
    maxCost: integer(env, 'LARDER_MAX_QUERY_COST', 50_000, 100, 1_000_000_000),
    maxStringLength,
    maxLongTextLength,
    maxInputDepth: integer(env, 'LARDER_MAX_INPUT_DEPTH', 16, 2, 1_000),
  };
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

function resourceLimits(env: Env): ResourceLimitSettings {
  const headersTimeoutMs = integer(env, 'LARDER_HTTP_HEADERS_TIMEOUT_MS', 30_000, 100, 3_600_000);
  const requestTimeoutMs = integer(env, 'LARDER_HTTP_REQUEST_TIMEOUT_MS', 3_600_000, 100, 7 * 86_400_000);
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new ConfigError(`LARDER_HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs}) must be at least LARDER_HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs})`);
  }
  return {
    maxUploadBytes: integer(env, 'LARDER_MAX_UPLOAD_BYTES', 100 * GiB, 1, Number.MAX_SAFE_INTEGER),
    maxArtifactBodyBytes: integer(env, 'LARDER_MAX_ARTIFACT_BODY_BYTES', GiB, 1, Number.MAX_SAFE_INTEGER),
    maxGraphQLBodyBytes: integer(env, 'LARDER_MAX_GRAPHQL_BODY_BYTES', 10 * MiB, KiB, GiB),
    maxMetadataBytes: integer(env, 'LARDER_MAX_METADATA_BYTES', 256 * MiB, KiB, 64 * GiB),
    maxSubscriptionsPerConnection: integer(env, 'LARDER_MAX_SUBSCRIPTIONS_PER_CONNECTION', 100, 1, 100_000),
    wsMaxBufferedBytes: integer(env, 'LARDER_WS_MAX_BUFFERED_BYTES', 16 * MiB, KiB, GiB),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'LARDER_HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 3_600_000),
  };
}

export function loadConfig(env: Env = process.env): LarderConfig {
  const home = resolve(env.LARDER_HOME || '.larder');
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const redisPrefix = env.LARDER_REDIS_PREFIX || 'larder';
  if (!/^[\w.:-]+$/.test(redisPrefix)) {
    throw new ConfigError(`LARDER_REDIS_PREFIX may hold letters, digits and _ . : - only, got "${redisPrefix}"`);
  }
  const plugins = env.LARDER_PLUGINS?.split(',').map((p) => p.trim()).filter(Boolean);
  const workerTtlMs = integer(env, 'LARDER_WORKER_TTL_MS', 15_000, 1_000, 3_600_000);
  const heartbeatIntervalMs = integer(env, 'LARDER_HEARTBEAT_MS', Math.min(5_000, Math.floor(workerTtlMs / 3)), 100, 600_000);
  if (heartbeatIntervalMs * 2 > workerTtlMs) {
    throw new ConfigError(`LARDER_HEARTBEAT_MS (${heartbeatIntervalMs}) must be at most half of LARDER_WORKER_TTL_MS (${workerTtlMs})`);
  }
  return {
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']) ?? 'redis://127.0.0.1:6379',
    redisPrefix,
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    storagePath: resolve(env.STORAGE_PATH || resolve(home, 'storage')),
    home,
    workers: integer(env, 'LARDER_WORKERS', 1, 0, 64),
    workerConcurrency: integer(env, 'LARDER_WORKER_CONCURRENCY', 8, 1, 256),
    heartbeatIntervalMs,
    workerTtlMs,
    shutdownGraceMs: integer(env, 'LARDER_SHUTDOWN_GRACE_MS', 30_000, 0, 3_600_000),
    cancelGraceMs: integer(env, 'LARDER_CANCEL_GRACE_MS', 10_000, 0, 3_600_000),
    sweepIntervalMs: integer(env, 'LARDER_SWEEP_MS', 60_000, 1_000, 3_600_000),
    testTasks: flag(env, 'LARDER_TEST_TASKS'),
    logLevel,
    plugins: plugins?.length ? plugins : undefined,
    dbPoolSize: integer(env, 'LARDER_DB_POOL', 10, 1, 200),
    orphanProtectionMinutes: integer(env, 'LARDER_ORPHAN_PROTECTION_MINUTES', 1440, 0, 525_600),
    adminPassword: secret(env, 'LARDER_ADMIN_PASSWORD'),
    secretKey: secretKey(env, 'LARDER_SECRET_KEY'),
    queryLimits: queryLimits(env),
    resourceLimits: resourceLimits(env),
    allowedRemoteNetworks: networkList(env, 'LARDER_ALLOWED_REMOTE_NETWORKS'),
  };
}
