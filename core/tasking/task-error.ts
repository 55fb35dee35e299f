import { UniqueConstraintViolationException, ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import type { TaskError } from '../db/entities/task.js';

/** What a failed task records: a description for people and a code for programs. */
export function describeError(error: unknown): TaskError {
  if (error instanceof UniqueConstraintViolationException) {
    return { description: 'An object with the same unique values already exists.', code: 'CONFLICT' };
  }
  if (error instanceof ForeignKeyConstraintViolationException) {
    return { description: 'The object is still referenced by another object.', code: 'CONFLICT' };
  }
  if (error instanceof GraphQLError) {
    const code = error.extensions.code;
    return { description: error.message, code: typeof code === 'string' ? code : 'INTERNAL_ERROR' };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { description: error.message, code: typeof code === 'string' ? code : 'INTERNAL_ERROR' };
  }
  return { description: String(error), code: 'INTERNAL_ERROR' };
}
