import {
  CheckConstraintViolationException, ForeignKeyConstraintViolationException, NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../db/availability.js';
import { ExpectedFailure } from '../expected-failure.js';
import type { Logger } from '../logger.js';
import { limitRefusal } from './query-limits.js';

/**
 * Turns database failures and the expected failures of the layers below the API (tasking,
 * entities) into the contract's codes, and hides internals of anything unexpected (it is logged
 * instead).
 */
export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    const withCode = (code: string, message: string, details: Readonly<Record<string, unknown>> = {}): GraphQLFormattedError => ({
      ...formatted, message, extensions: { ...formatted.extensions, ...details, code },
    });
    if (original instanceof ExpectedFailure) return withCode(original.code, original.message, original.details);
    // Apollo answers a refusal by the parser or by validation with its own code; the limit's is the useful one.
    const refusal = limitRefusal(error);
    if (refusal) return withCode(refusal.code, refusal.message, refusal.extensions);
    if (original instanceof UniqueConstraintViolationException) {
      return withCode('CONFLICT', 'An object with the same unique values (name, base path, …) already exists.');
    }
    if (original instanceof ForeignKeyConstraintViolationException) {
      return withCode('CONFLICT', 'The object refers to, or is referred to by, another object in a conflicting way.');
    }
    if (original instanceof NotNullConstraintViolationException || original instanceof CheckConstraintViolationException) {
      return withCode('BAD_USER_INPUT', 'The input breaks a rule of the stored object.');
    }
    if (isDatabaseUnavailable(original)) {
      return withCode('SERVICE_UNAVAILABLE', 'The database is not reachable right now; try again shortly.');
    }
    const code = formatted.extensions?.code;
    if (formatted.extensions?.validationErrors) {
      return { ...formatted, extensions: { ...formatted.extensions, validationErrors: withoutValues(formatted.extensions.validationErrors) } };
    }
    if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
      log.error({ err: original }, 'unexpected error in a GraphQL operation');
      return withCode('INTERNAL_SERVER_ERROR', 'Internal server error');
    }
    return formatted;
  };
}

interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

/**
 * class-validator's failures carry the refused value and the whole input object: an answer never
 * echoes them (a refused password would travel back in clear), only which field broke which rule.
 */
function withoutValues(failures: unknown): ValidationFailure[] {
  return (failures as ValidationFailure[]).map(({ property, constraints, children }) => ({
    property, ...(constraints && { constraints }), ...(children?.length ? { children: withoutValues(children) } : {}),
  }));
}
