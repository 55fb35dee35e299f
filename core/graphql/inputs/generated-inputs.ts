import type { EntityClass } from '@mikro-orm/core';
import { InputType, type ClassType } from 'type-graphql';

/** A factory's options, where a type that adds no fields to its base's inputs leaves them out. */
export type InputsOptional<O extends { createInput: ClassType; updateInput: ClassType }> =
  Omit<O, 'createInput' | 'updateInput'> & Partial<Pick<O, 'createInput' | 'updateInput'>>;

interface TypeOptions {
  entity: EntityClass<object>;
  name?: string;
  createInput?: ClassType;
  updateInput?: ClassType;
}

/**
 * The options with the inputs they leave out made from the base's: `Create<Type>Input` and
 * `Update<Type>Input`, the names a plugin's own would have, so the schema is the same either way.
 */
export function withInputs<O extends TypeOptions>(
  options: O, bases: { create: ClassType; update: ClassType },
): O & { createInput: ClassType; updateInput: ClassType } {
  const typeName = options.name ?? options.entity.name;
  return {
    ...options,
    createInput: options.createInput ?? named(bases.create, `Create${typeName}Input`),
    updateInput: options.updateInput ?? named(bases.update, `Update${typeName}Input`),
  };
}

function named(base: ClassType, name: string): ClassType {
  @InputType(name)
  class Generated extends base {}
  return Generated;
}
