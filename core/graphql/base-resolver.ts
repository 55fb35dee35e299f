import type { EntityClass } from '@mikro-orm/core';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, type ClassType } from 'type-graphql';
import { Access, objectArg, type AccessRule } from '../access/rules.js';
import { Role } from '../access/roles.js';
import { checkReferences, checkUnique, type References } from '../crud/entity-input.js';
import { createObject } from '../crud/object-writes.js';
import { ContentGuard } from '../db/entities/content-guard.js';
import { Distribution } from '../db/entities/distribution.js';
import { Remote } from '../db/entities/remote.js';
import { Repository } from '../db/entities/repository.js';
import { Task } from '../db/entities/task.js';
import { sealSecretInput } from '../secrets/secret-input.js';
import { isUuid } from '../db/uuid7.js';
import { objectResource } from '../tasking/resources.js';
import type { GraphQLContext } from './context.js';
import { notFound } from './errors.js';
import { createListing, type ListingOptions } from './listing.js';
import type { OrderSpec } from './pagination.js';

export interface ReadResolverOptions<T extends object> {
  entity: EntityClass<T>;
  /** GraphQL type name; the class name by default. */
  name?: string;
  /** Plural field name; `<camelName>s` by default. */
  plural?: string;
  listing?: ListingOptions;
  /** A condition every visible object meets (e.g. only complete versions). */
  scope?: object;
  /** What reading and listing need: signing in by default (what is answered is then what the caller may see). */
  read?: AccessRule;
}

export interface BaseResolverOptions<T extends object> extends ReadResolverOptions<T> {
  createInput: ClassType;
  updateInput: ClassType;
  references?: References;
  /**
   * Resources a create must hold (e.g. a distribution's base path). When given, `createX` runs as
   * a task and returns it; otherwise it is synchronous and returns the object.
   */
  createLocks?: (input: Record<string, unknown>) => string[];
  /** Resources an update holds besides the object itself. */
  updateLocks?: (input: Record<string, unknown>, existing: T) => string[];
  /**
   * What `createX`, `updateX` and `deleteX` need. By default, for the types roles are granted on
   * (repositories, remotes, distributions, content guards): `contributor` granted globally to
   * create, `owner` on the object to change or delete it; for any other type, an admin.
   */
  access?: { create?: AccessRule; update?: AccessRule; delete?: AccessRule };
}

/** The types roles are granted on, each the base of its plugins' types. */
const ROLE_HOLDERS: Function[] = [Repository, Remote, Distribution, ContentGuard];

function holdsRoles(entity: EntityClass<unknown>): boolean {
  return ROLE_HOLDERS.some((base) => entity === base || entity.prototype instanceof base);
}

function lowerFirst(name: string): string {
  return name[0]!.toLowerCase() + name.slice(1);
}

/** English plural of a camel-cased name: repository → repositories, content → contents. */
function plural(name: string): string {
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}

function plain(input: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
}

/** `x(id)` and `xs(filter, orderBy, first, after, offset)` for one type. */
export function createReadResolver<T extends object>(options: ReadResolverOptions<T>) {
  const { entity } = options;
  const typeName = options.name ?? entity.name;
  const single = lowerFirst(typeName);
  const listing = createListing(entity, typeName, options.listing);

  @Resolver(() => entity)
  abstract class ReadResolver {
    static readonly typeName = typeName;
    static readonly listing = listing;

    @Query(() => entity, { name: single, nullable: true, description: `The ${typeName} with this id, or null (also when the caller may not see it).` })
    @Access(options.read ?? { signedIn: true })
    async one(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<T | null> {
      if (!isUuid(id)) return null;
      if (!options.scope) return ctx.loaders.byId(entity).load(id);
      const visible = await ctx.access.visible(entity);
      return ctx.em.findOne(entity, { $and: [{ id }, options.scope, visible()] } as never);
    }

    @Query(() => listing.Connection, { name: options.plural ?? plural(single), description: `The ${typeName}s the caller may see.` })
    @Access(options.read ?? { signedIn: true })
    async many(
      @Ctx() ctx: GraphQLContext,
      @Arg('filter', () => listing.Filter, { nullable: true }) filter?: Record<string, unknown>,
      @Arg('orderBy', () => [listing.Order], { nullable: true }) orderBy?: OrderSpec[],
      @Arg('first', () => Int, { nullable: true }) first?: number,
      @Arg('after', () => String, { nullable: true }) after?: string,
      @Arg('offset', () => Int, { nullable: true }) offset?: number,
    ) {
      const visible = await ctx.access.visible(entity);
      return listing.list(ctx.em, { filter, orderBy, first, after, offset }, () => ({ $and: [options.scope ?? {}, visible()] }));
    }
  }
  return ReadResolver;
}

/**
 * The contract's operations for one type: get, list, `createX` (synchronous), and `updateX` /
 * `deleteX` as tasks holding the object exclusively. A plugin resolver extends the returned class
 * and adds only what is special to its type.
 */
export function createBaseResolver<T extends object>(options: BaseResolverOptions<T>) {
  const { entity, createInput, updateInput, references } = options;
  const Read = createReadResolver(options);
  const typeName = Read.typeName;
  const ownable = holdsRoles(entity);
  const onObject = (role: Role): AccessRule => (ownable ? { role, on: objectArg(entity) } : { admin: true });
  const access = {
    create: options.access?.create ?? (ownable ? { global: Role.CONTRIBUTOR } : { admin: true }),
    update: options.access?.update ?? onObject(Role.OWNER),
    delete: options.access?.delete ?? onObject(Role.OWNER),
  } satisfies Record<string, AccessRule>;

  @Resolver(() => entity)
  abstract class BaseResolver extends Read {
    @Mutation(() => (options.createLocks ? Task : entity), {
      name: `create${typeName}`,
      description: options.createLocks ? `Creates the ${typeName} in a task; the task's createdResources name it.` : undefined,
    })
    @Access(access.create)
    async create(@Arg('input', () => createInput) input: object, @Ctx() ctx: GraphQLContext): Promise<T | Task> {
      const data = plain(input);
      await checkReferences(ctx.em, entity, data, references, (target) => ctx.access.visible(target));
      await checkUnique(ctx.em, entity, data);
      if (options.createLocks) {
        return ctx.services.tasks.dispatch('core.create', { entity: entity.name, input: sealSecretInput(ctx.em, entity, data) }, {
          exclusiveResources: options.createLocks(data),
        });
      }
      const em = ctx.em.fork();
      const object = await createObject(em, entity, data);
      await em.flush();
      return object;
    }

    @Mutation(() => Task, { name: `update${typeName}`, description: `Changes the ${typeName} in a task that holds it exclusively.` })
    @Access(access.update)
    async update(
      @Arg('id', () => ID) id: string,
      @Arg('input', () => updateInput) input: object,
      @Ctx() ctx: GraphQLContext,
    ): Promise<Task> {
      const existing = await this.existing(ctx, id);
      const data = plain(input);
      await checkReferences(ctx.em, entity, data, references, (target) => ctx.access.visible(target));
      await checkUnique(ctx.em, entity, data, existing);
      return ctx.services.tasks.dispatch('core.update', { entity: entity.name, id, input: sealSecretInput(ctx.em, entity, data) }, {
        exclusiveResources: [objectResource(ctx.em, entity, id), ...(options.updateLocks?.(data, existing as T) ?? [])],
      });
    }

    @Mutation(() => Task, { name: `delete${typeName}`, description: `Deletes the ${typeName} in a task that holds it exclusively.` })
    @Access(access.delete)
    async delete(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Task> {
      await this.existing(ctx, id);
      return ctx.services.tasks.dispatch('core.delete', { entity: entity.name, id }, {
        exclusiveResources: [objectResource(ctx.em, entity, id)],
      });
    }

    // Public, not protected: a class a factory returns cannot have protected members in the
    // plugin API's type declarations (TS4094), which a packaged Larder ships.
    async existing(ctx: GraphQLContext, id: string): Promise<Record<string, unknown>> {
      const object = isUuid(id) ? await ctx.loaders.byId(entity).load(id) : null;
      if (!object) throw notFound(typeName, id);
      return object as Record<string, unknown>;
    }
  }
  return BaseResolver;
}
