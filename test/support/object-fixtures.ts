import { getNamedType, type GraphQLSchema } from 'graphql';
import type { GraphQLClient } from './graphql-client.js';
import { argumentsFor, documentOf, rootOperations, type Operation, type ValueSource } from './schema-operations.js';
import { finished } from './tasks.js';

/** Makes one object of a type in a set (reading or making, through `set.get`, the objects it needs). */
export type Maker = (set: ObjectSet) => Promise<string>;

export interface FixtureOptions {
  schema: GraphQLSchema;
  /** Makes everything but the objects only their creator sees. */
  admin: GraphQLClient;
  /** Types the schema's own create operations cannot make (content, versions, tasks): how to make each. */
  makers: Record<string, Maker>;
  /** Types whose objects only their creator sees (uploads, tokens): made by the set's creator. */
  ownTypes: Set<string>;
  /** Types roles are granted on. */
  roleHolders: Set<string>;
  values: Omit<ValueSource, 'id'>;
}

/**
 * Objects made through the API for tests: an object of any type is made by the schema's own
 * `create…` operation answering that type (its arguments generated from their types, the objects
 * they name made first in the same set), or by a maker of the per-type table.
 */
export class Fixtures {
  private readonly creators = new Map<string, Operation>();

  constructor(readonly options: FixtureOptions) {
    for (const op of rootOperations(options.schema)) {
      if (op.kind !== 'mutation' || !op.name.startsWith('create')) continue;
      const answered = getNamedType(op.field.type).name;
      const subject = op.name.slice('create'.length);
      if (answered === subject || (answered === 'Task' && options.schema.getType(subject))) this.creators.set(subject, op);
      else if (!this.creators.has(answered)) this.creators.set(answered, op);
    }
  }

  /** A new set of objects; `creator` makes those only their creator sees. */
  set(creator: GraphQLClient = this.options.admin): ObjectSet {
    return new ObjectSet(this, creator);
  }

  async make(set: ObjectSet, type: string): Promise<string> {
    const maker = this.options.makers[type];
    if (maker) return maker(set);
    const op = this.creators.get(type);
    if (!op) throw new Error(`nothing makes a ${type}: give it a maker`);
    const { schema, admin, ownTypes, roleHolders, values } = this.options;
    const client = ownTypes.has(type) ? set.creator : admin;
    const args = await argumentsFor(schema, op, { ...values, id: (t) => set.get(t) }, roleHolders);
    const answer = (await client.data(documentOf(op, args), args))[op.name] as { __typename: string; id: string };
    if (answer.__typename !== 'Task') return answer.id;
    const task = await finished(admin, answer);
    if (task.state !== 'COMPLETED') throw new Error(`${op.name} to make a ${type} ended ${task.state}: ${JSON.stringify(task.error)}`);
    return task.createdResources[0]!;
  }
}

/** Objects made for one purpose (a test's world, one destructive call): one of each type asked for. */
export class ObjectSet {
  private readonly objects = new Map<string, Promise<string>>();
  private readonly steps = new Map<string, Promise<unknown>>();

  constructor(readonly fixtures: Fixtures, readonly creator: GraphQLClient) {}

  /** The set's object of this type, made on first asking. */
  get(type: string): Promise<string> {
    let id = this.objects.get(type);
    if (!id) {
      id = this.fixtures.make(this, type);
      this.objects.set(type, id);
    }
    return id;
  }

  /** A step several makers share (one upload serves a content and its artifact), run once. */
  once<T>(key: string, step: () => Promise<T>): Promise<T> {
    let done = this.steps.get(key) as Promise<T> | undefined;
    if (!done) {
      done = step();
      this.steps.set(key, done);
    }
    return done;
  }

  /** Every object made so far, by type. */
  async all(): Promise<Array<{ type: string; id: string }>> {
    return Promise.all([...this.objects].map(async ([type, id]) => ({ type, id: await id })));
  }
}
