/**
 * Something Larder needs at start-up that it cannot have as things are: a database or Redis it
 * cannot reach, a port it cannot listen on, a program it cannot find, plugins that would break
 * each other. The message says what failed and what to do, in one line; `larder` prints it as
 * `larder: <message>` without a stack, which would only point at Larder's code when the cause is
 * outside it.
 */
export class StartupError extends Error {}

/** The first line of what `error` says, for a StartupError's message (driver errors run to pages). */
export function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeCause(error.errors[0]);
  if (!(error instanceof Error)) return String(error);
  const text = error.message || (error as NodeJS.ErrnoException).code || error.name;
  return text.split('\n', 1)[0]!.trim();
}

/** Where a URL points, without user or password (they must not end up in a terminal or a log). */
export function urlTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}
