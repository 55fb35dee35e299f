import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Extensions } from 'type-graphql';
import { emSql } from '../db/sql.js';
import { isUuid } from '../db/uuid7.js';
import { entityKind } from '../tasking/resources.js';
import { objectKindOf } from './objects.js';
import type { Role } from './roles.js';

/** An object roles are granted on: its table (`repository`, …) and id. */
export interface ObjectRef {
  kind: string;
  id: string;
}

/** What an operation's arguments name: the type and id a NOT_FOUND names. */
export interface Named {
  type: string;
  id: string;
}

/**
 * Finds the object an operation acts on from its arguments: null when they name one that does not
 * exist (the operation is then NOT_FOUND, as for an object the caller may not see), undefined
 * when they name none.
 */
export type Locate = ((args: Record<string, unknown>, em: EntityManager) => Promise<ObjectRef | null | undefined>) & {
  /**
   * What the arguments name, which a NOT_FOUND repeats: never the object found through it (a
   * version's repository), whose id would tell the caller of something they may not see.
   */
  named?: (args: Record<string, unknown>) => Named | undefined;
};

/**
 * What one root operation needs; every query, mutation and subscription declares one (the schema
 * refuses to build otherwise), and the core enforces it before the resolver runs.
 * - `anyone`: also anonymous callers (`me`).
 * - `signedIn`: any signed-in user; what a read or list answers is then limited to what they may see.
 * - `admin`: admins only.
 * - `global`: a role granted on every object (creating repositories, remotes, distributions).
 * - `role` + `on`: that role on the object `on` finds; `unnamed`: the rule when the arguments name no object.
 */
export type AccessRule =
  | { anyone: true }
  | { signedIn: true }
  | { admin: true }
  | { global: Role }
  | { role: Role; on: Locate; unnamed?: AccessRule };

/** Declares the access rule of a resolver method's root operation. */
export function Access(rule: AccessRule): MethodDecorator & PropertyDecorator {
  return Extensions({ access: rule });
}

/** The object of type `entity` whose id is the argument `name` (or the input field `input.name`). */
export function objectArg(entity: EntityClass<unknown>, name = 'id'): Locate {
  return named(entity.name, name, async (args, em) => {
    const id = argument(args, name);
    if (id === undefined || id === null) return undefined;
    return typeof id === 'string' && isUuid(id) ? { kind: entityKind(em, entity), id } : null;
  });
}

/** The repository of the repository version whose id is the argument `name`. */
export function versionArg(name = 'id'): Locate {
  return named('RepositoryVersion', name, async (args, em) => {
    const id = argument(args, name);
    if (id === undefined || id === null) return undefined;
    if (typeof id !== 'string' || !isUuid(id)) return null;
    const [row] = await emSql<{ repository_id: string }>(em, 'select repository_id from repository_version where id = ?', [id]);
    return row ? { kind: 'repository', id: row.repository_id } : null;
  });
}

/** The first of several locators that finds an object named by the arguments. */
export function eitherArg(...locators: Locate[]): Locate {
  const locate: Locate = async (args, em) => {
    for (const one of locators) {
      const found = await one(args, em);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return Object.assign(locate, { named: (args: Record<string, unknown>) => locators.map((one) => one.named?.(args)).find(Boolean) });
}

/** Any object roles are granted on (a repository, remote, distribution, content guard), by the argument `name`. */
export function grantableArg(name = 'objectId'): Locate {
  return named('Object', name, async (args, em) => {
    const id = argument(args, name);
    if (id === undefined || id === null) return undefined;
    if (typeof id !== 'string' || !isUuid(id)) return null;
    const kind = await objectKindOf(em, id);
    return kind ? { kind, id } : null;
  });
}

/** A locator of the object of `type` whose id is the argument `name`. */
function named(type: string, name: string, locate: Locate): Locate {
  return Object.assign(locate, {
    named: (args: Record<string, unknown>) => {
      const id = argument(args, name);
      return id === undefined || id === null ? undefined : { type, id: String(id) };
    },
  });
}

function argument(args: Record<string, unknown>, name: string): unknown {
  const [first, second] = name.split('.');
  const value = args[first!];
  return second === undefined ? value : (value as Record<string, unknown> | null | undefined)?.[second];
}
