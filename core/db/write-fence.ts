import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Write fencing, the database half. Code that runs inside `withWriteFence(token, …)` (a task
 * run's body) sends every statement with the fence token set for its transaction: a statement
 * that is not in a transaction of its own gets one around it. Every table's `larder_fence`
 * trigger (migration core-0009) then holds the run's fence for the rest of the transaction and
 * refuses the write (SQLSTATE LF409) once the run has lost its reservations. Whatever the body
 * uses to reach PostgreSQL (the unit of work, knex, raw SQL on a pooled connection), it goes
 * through a connection of the ORM's pool, so one hook on those connections covers it all.
 *
 * The token lives in the transaction, never in the session: the embedded PGlite serves every
 * connection from one backend session, and keeps only transactions apart.
 */
const fenceScope = new AsyncLocalStorage<{ token: string; held: boolean }>();

/** What the database says when a fenced run tries to write. */
export const FENCED_SQLSTATE = 'LF409';

/** Runs `work` with every statement it makes carrying `token` (`<task id>/<worker name>`). */
export function withWriteFence<T>(token: string, work: () => T): T {
  if (!/^[0-9a-f-]{36}\/[\w.:@-]+$/i.test(token)) throw new Error(`"${token}" is not a write fence token`);
  return fenceScope.run({ token, held: false }, work);
}

/**
 * Runs `work`, known to run inside a transaction that holds the current fence (it ran
 * `select larder_fence_hold()`): what it does outside the database (moving files into the
 * artifact store) becomes visible only while the run still holds its reservations.
 */
export function withWriteFenceHeld<T>(work: () => T): T {
  const scope = fenceScope.getStore();
  return scope ? fenceScope.run({ ...scope, held: true }, work) : work();
}

/** True inside `withWriteFenceHeld`, or when no fence applies at all. */
export function isWriteFenceHeld(): boolean {
  const scope = fenceScope.getStore();
  return !scope || scope.held;
}

/** Runs `work` outside any fence: the tasking system's own statements made on a run's behalf. */
export function outsideWriteFence<T>(work: () => T): T {
  return fenceScope.exit(work);
}

export function currentWriteFence(): string | undefined {
  return fenceScope.getStore()?.token;
}

/** True when an error (or one it wraps) is the database refusing a fenced run's write. */
export function isFencedWrite(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if ((error as { code?: unknown }).code === FENCED_SQLSTATE) return true;
  return [error.cause, (error as { previous?: unknown }).previous].some((cause) => isFencedWrite(cause, depth + 1));
}

type Callback = (error: Error | null, result?: unknown) => void;
type Query = (...args: unknown[]) => unknown;

interface Connection {
  query: Query;
}

const SET_FENCE = "select set_config('larder.fence', $1, true)";

/** Whether a statement opens, closes or partly rolls back a transaction (as knex and MikroORM write them). */
function transactionStep(text: string): 'begin' | 'end' | 'savepoint-rollback' | null {
  const head = text.trimStart().slice(0, 24).toUpperCase();
  if (head.startsWith('BEGIN') || head.startsWith('START TRANSACTION')) return 'begin';
  if (head.startsWith('ROLLBACK TO')) return 'savepoint-rollback';
  if (head.startsWith('COMMIT') || head.startsWith('ROLLBACK') || head.startsWith('END')) return 'end';
  return null;
}

/**
 * Makes a pooled pg connection send the fence token of whoever uses it. Knex calls `query` with
 * a config and a callback, the tasking SQL with text and values for a promise; a submittable
 * (a cursor or stream: reads) passes through.
 */
export function fenceConnection(connection: Connection): void {
  const query = connection.query.bind(connection) as Query;
  const run = (...args: unknown[]) => query(...args) as Promise<unknown>;
  let inTransaction = false;
  /** The token set in the open transaction, if any. */
  let transactionToken: string | null = null;

  const setToken = (token: string) => {
    transactionToken = token;
    // Queued before whatever comes next on this connection; an error shows in that statement too.
    query({ text: SET_FENCE, values: [token] }, () => undefined);
  };

  connection.query = (...args: unknown[]) => {
    const first = args[0] as { text?: unknown; submit?: unknown } | string | undefined;
    const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : null;
    if (text === null || typeof (first as { submit?: unknown }).submit === 'function') return query(...args);
    const token = fenceScope.getStore()?.token;
    const step = transactionStep(text);
    if (step === 'begin') {
      inTransaction = true;
      transactionToken = null;
      const result = query(...args);
      if (token) setToken(token);
      return result;
    }
    if (step === 'end') {
      inTransaction = false;
      transactionToken = null;
      return query(...args);
    }
    // A setting made after the savepoint is undone with it; set it again when next needed.
    if (step === 'savepoint-rollback') transactionToken = null;
    if (!token) return query(...args);
    if (inTransaction) {
      if (transactionToken !== token) setToken(token);
      return query(...args);
    }
    const callback = typeof args.at(-1) === 'function' ? (args.pop() as Callback) : null;
    const done = (async () => {
      await run('BEGIN');
      await run({ text: SET_FENCE, values: [token] });
      let result: unknown;
      try {
        result = await run(...args);
      } catch (error) {
        await run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      await run('COMMIT');
      return result;
    })();
    if (!callback) return done;
    done.then((result) => callback(null, result), (error: Error) => callback(error));
    return undefined;
  };
}
