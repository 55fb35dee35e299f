import { GraphQLError } from 'graphql';

/** The contract's error codes, set in `extensions.code`. */
export type ErrorCode =
  | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE';

export function apiError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const notFound = (type: string, id: string) => apiError('NOT_FOUND', `${type} ${id} does not exist`, { type, id });
export const conflict = (message: string) => apiError('CONFLICT', message);
export const badInput = (message: string, field?: string) => apiError('BAD_USER_INPUT', message, field ? { field } : {});
export const forbidden = (message: string) => apiError('FORBIDDEN', message);
