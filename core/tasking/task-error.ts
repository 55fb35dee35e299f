import { randomBytes } from 'node:crypto';
import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { TaskError } from '../db/entities/task.js';
import { ExpectedFailure } from '../expected-failure.js';

/** How a task's failure is recorded: `expected` ones are news for users, the rest faults to debug. */
export interface DescribedError {
  error: TaskError;
  expected: boolean;
  /** For an unexpected error: the id its description and its log line share. */
  reference: string | null;
}

/**
 * What a failed task records: a description for people and a code for programs. Expected
 * failures are the ones the core and plugins raise on purpose, with their declared codes
 * (ExpectedFailure: task failures, downloads, bytes other than promised, refused input; a unique
 * or referenced object); their message is written for users. Anything else (a driver's or the
 * file system's message, with SQL or server paths in it) stays in the log: the task gets a
 * generic description with a reference that the log line carries too.
 */
export function describeError(error: unknown): DescribedError {
  const expected = (code: string, description: string): DescribedError => ({ error: { code, description }, expected: true, reference: null });
  if (error instanceof UniqueConstraintViolationException) return expected('CONFLICT', 'An object with the same unique values already exists.');
  if (error instanceof ForeignKeyConstraintViolationException) return expected('CONFLICT', 'The object is still referenced by another object.');
  if (error instanceof ExpectedFailure) return expected(error.code, error.message);
  const reference = randomBytes(6).toString('hex');
  return {
    error: { code: 'INTERNAL_ERROR', description: `The task failed unexpectedly (reference ${reference}); the server's log has the details.` },
    expected: false,
    reference,
  };
}
