import { Entity, type EntityClass } from '@mikro-orm/core';
import { ObjectType, Resolver, type ClassType } from 'type-graphql';
import type { Content } from '../db/entities/content.js';
import { Distribution } from '../db/entities/distribution.js';
import type { Publication } from '../db/entities/publication.js';
import { Remote } from '../db/entities/remote.js';
import { Repository } from '../db/entities/repository.js';
import { createReadResolver } from '../graphql/base-resolver.js';
import { createDistributionResolver, type DistributionResolverOptions } from '../graphql/distribution-base-resolver.js';
import { createRemoteResolver } from '../graphql/remote-base-resolver.js';
import { createRepositoryResolver } from '../graphql/repository-base-resolver.js';

/** A type of the plugin's own (with fields of its own), given instead of the generated one, with its inputs if it has fields to set. */
export type OwnType<C> = C | { entity: C; createInput?: ClassType; updateInput?: ClassType };

export interface RepositoryTypesOptions<R, P, D> {
  /** Prefixes the class and GraphQL names: `Helm` makes `HelmRemote`, `HelmRepository`, `HelmDistribution`. */
  prefix: string;
  /** The discriminator of the three, `<plugin>.<type>` (e.g. `helm.helm`). */
  discriminator: string;
  /** The content types the repository holds (the plugin's own classes); each gets `x(id)` and `xs(…)`. */
  content: EntityClass<Content>[];
  /** The plugin's sync task (a `defineSyncTask`), which `sync<Prefix>Repository` dispatches. */
  syncTask: string;
  /** The plugin's publication type, or false for distributions serving repository versions only. */
  publication: EntityClass<Publication> | false;
  remote?: OwnType<R>;
  repository?: OwnType<P>;
  distribution?: OwnType<D>;
}

export interface RepositoryTypes<R, P, D> {
  Remote: R;
  Repository: P;
  Distribution: D;
  /** The three, the publication type if given, and the content types: for the plugin's `entities`. */
  entities: EntityClass<unknown>[];
  /** The remote's, repository's and distribution's CRUD (with modify and sync) and each content type's reads: its `resolvers`. */
  resolvers: Function[];
}

// MikroORM and type-graphql read a class's name when decorated, and interfaces resolve an object's
// GraphQL type by its constructor's name: so a generated class is named before it is decorated.
function named<C extends Function>(cls: C, name: string): C {
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

function subtype<C extends abstract new (...args: never[]) => object>(base: C, name: string, discriminator: string): C {
  // The base's constructor takes nothing: entities are made by MikroORM, never with arguments.
  const cls = named(class extends (base as unknown as new () => object) {}, name);
  Entity({ discriminatorValue: discriminator })(cls);
  ObjectType({ implements: base })(cls);
  return cls as unknown as C;
}

function resolver(Base: abstract new () => object, entity: Function): Function {
  const cls = named(class extends (Base as new () => object) {}, `${entity.name}Resolver`);
  Resolver(() => entity)(cls);
  return cls;
}

function own<C>(given: OwnType<C> | undefined, made: () => C): { entity: C; createInput?: ClassType; updateInput?: ClassType } {
  if (given === undefined) return { entity: made() };
  return typeof given === 'function' ? { entity: given } : (given as { entity: C });
}

/**
 * The remote, repository and distribution types of a plugin that syncs, and their resolvers: each
 * type a plain subclass of the core's named `<prefix>Remote`, … with the discriminator, unless the
 * plugin gives its own class (one with fields of its own), and each resolver the factory's
 * (`createRemoteResolver`, `createRepositoryResolver` with the sync, `createDistributionResolver`,
 * and `createReadResolver` for every content type). A plugin adding operations of its own to one
 * of these types writes that resolver itself, as before, and leaves this helper out.
 */
export function repositoryTypes<
  R extends typeof Remote = typeof Remote,
  P extends typeof Repository = typeof Repository,
  D extends typeof Distribution = typeof Distribution,
>(options: RepositoryTypesOptions<R, P, D>): RepositoryTypes<R, P, D> {
  const { prefix, discriminator, publication } = options;
  const remote = own(options.remote, () => subtype(Remote, `${prefix}Remote`, discriminator) as R);
  const repository = own(options.repository, () => subtype(Repository, `${prefix}Repository`, discriminator) as P);
  const distribution = own(options.distribution, () => subtype(Distribution, `${prefix}Distribution`, discriminator) as D);
  const resolvers = [
    resolver(createRemoteResolver({ ...remote, entity: remote.entity as EntityClass<Remote> }), remote.entity),
    resolver(createRepositoryResolver({
      ...repository,
      entity: repository.entity as EntityClass<Repository>,
      contentTypes: options.content,
      sync: { remote: remote.entity as EntityClass<Remote>, task: options.syncTask },
    }), repository.entity),
    // Cast: the factory's types refuse inputs naming a publication for `publication: false`; here inputs are the plugin's to get right.
    resolver(createDistributionResolver({
      ...distribution, entity: distribution.entity as EntityClass<Distribution>, repository: repository.entity as EntityClass<Repository>, publication,
    } as DistributionResolverOptions<Distribution>), distribution.entity),
    ...options.content.map((content) => resolver(createReadResolver({ entity: content }), content)),
  ];
  return {
    Remote: remote.entity,
    Repository: repository.entity,
    Distribution: distribution.entity,
    entities: [remote.entity, repository.entity, distribution.entity, ...(publication ? [publication] : []), ...options.content] as EntityClass<unknown>[],
    resolvers,
  };
}
