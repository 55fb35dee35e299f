import { setTimeout as delay } from 'node:timers/promises';
import { ConnectionException } from '@mikro-orm/core';
import type { Logger } from '../logger.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATEs of a server that is going away or not taking connections (class 08 is checked apart). */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = /Connection terminated|not queryable|Timeout acquiring a connection|Client was closed|connection error/i;

/**
 * True when an error means "PostgreSQL cannot be reached right now" rather than "this statement
 * is wrong": the same statement may succeed once the database is back. Drivers wrap causes in
 * one another (MikroORM, knex, pg, AggregateError for each address tried), so the whole chain counts.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error instanceof ConnectionException || error.name === 'KnexTimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) return true;
  if (MESSAGES.test(error.message)) return true;
  const nested = [
    error.cause, (error as { previous?: unknown }).previous,
    ...(error instanceof AggregateError ? error.errors : []),
  ];
  return nested.some((cause) => isDatabaseUnavailable(cause, depth + 1));
}

/**
 * SQLSTATEs of a statement that lost a race rather than being wrong: a deadlock, a serialization
 * failure, a lock or statement timeout. The same statement, tried again, may succeed.
 */
const CONTENTION_CODES = new Set(['40P01', '40001', '55P03', '57014']);

/** True when trying the same work again may succeed: the database was away, or the statement lost a race. */
export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (isDatabaseUnavailable(error)) return true;
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONTENTION_CODES.has(code)) return true;
  const nested = [error.cause, (error as { previous?: unknown }).previous];
  return nested.some((cause) => isTransientDatabaseError(cause, depth + 1));
}

export interface RetryOptions {
  log: Logger;
  /** What is being retried, for the log. */
  what: string;
  /** Gives up (rethrowing) once this returns true, e.g. when the process is stopping for good. */
  givenUp?: () => boolean;
}

/**
 * Runs `work` until it succeeds, waiting with exponential backoff (50 ms doubling to 2 s) while
 * the error is transient (the database is away, a deadlock, a timeout). Any other error is
 * rethrown at once.
 */
export async function retryWhileTransient<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientDatabaseError(error) || options.givenUp?.()) throw error;
      if (attempt === 0) options.log.warn({ err: error }, `database unavailable or busy; retrying ${options.what}`);
      await delay(Math.min(50 * 2 ** attempt, 2_000));
    }
  }
}
