/**
 * An error raised on purpose, with a stable `code` that users and programs act on and a message
 * written for them (bad upstream data, a conflict, a failed download). A task that fails with one
 * records both; a GraphQL operation answers with both; anything else is a fault, whose details
 * stay in the log.
 */
export class ExpectedFailure extends Error {
  /** Facts a program may act on beside the code: the input field at fault, the missing object's type and id. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, readonly code: string, options?: ErrorOptions & { details?: Record<string, unknown> }) {
    super(message, options);
    this.details = options?.details ?? {};
  }
}

/**
 * The failures the core and plugins share with the API's contract, so that a layer below the API
 * (tasking, entities) can refuse without knowing GraphQL, and the API still answers with the
 * contract's codes.
 */
export class NotFoundFailure extends ExpectedFailure {
  constructor(type: string, id: string) {
    super(`${type} ${id} does not exist`, 'NOT_FOUND', { details: { type, id } });
  }
}

export class ConflictFailure extends ExpectedFailure {
  constructor(message: string) {
    super(message, 'CONFLICT');
  }
}

export class BadInputFailure extends ExpectedFailure {
  constructor(message: string, field?: string) {
    super(message, 'BAD_USER_INPUT', field ? { details: { field } } : {});
  }
}

/** No credentials, or wrong ones, where the operation needs a signed-in user. */
export class UnauthenticatedFailure extends ExpectedFailure {
  constructor(message = 'Sign in: send "Authorization: Bearer <token>" or Basic credentials') {
    super(message, 'UNAUTHENTICATED');
  }
}

/** A signed-in user who may see the object but lacks the role the operation needs. */
export class ForbiddenFailure extends ExpectedFailure {
  constructor(message: string) {
    super(message, 'FORBIDDEN');
  }
}
