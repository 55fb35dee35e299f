/**
 * An error raised on purpose, with a stable `code` that users and programs act on and a message
 * written for them (bad upstream data, a conflict, a failed download). A task that fails with one
 * records both; anything else is a fault, whose details stay in the log.
 */
export class ExpectedFailure extends Error {
  constructor(message: string, readonly code: string, options?: ErrorOptions) {
    super(message, options);
  }
}
