import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * On whose behalf the code running now acts: the caller of an API request, or the user who
 * dispatched the task being run. What it creates is theirs, and what it dispatches is recorded as
 * dispatched by them, with the permission the request needed (`permission`), so that cancelling
 * the task needs that permission again. It travels with the async call chain, never with a
 * process or a worker, so a task never acts for whoever else happens to be signed in.
 */
export interface Actor {
  userId: string | null;
  /** `<role>@<kind>:<id>` (a role on one object), `<role>` (granted globally), `admin` or `signed-in`. */
  permission: string | null;
}

const current = new AsyncLocalStorage<Actor>();

export function actingAs<T>(actor: Actor, run: () => T): T {
  return current.run(actor, run);
}

/** Larder itself (start-up, housekeeping) when no request or task is being served. */
export function currentActor(): Actor {
  return current.getStore() ?? { userId: null, permission: null };
}
