import { MetadataStorage } from '@mikro-orm/core';

const known = new Map<string, string>();

/**
 * The GraphQL type of an object of a polymorphic type (a repository of any plugin's type). It is
 * the object's class, except for an object first met as a reference of the base class (a
 * version's repository) and loaded later by the same entity manager: MikroORM keeps the base
 * class then, and only the discriminator says which type the object is.
 */
export function concreteTypeName(value: object): string {
  const cls = value.constructor as Function;
  const discriminator = (value as { type?: unknown }).type;
  if (typeof discriminator !== 'string') return cls.name;
  const key = `${cls.name}\0${discriminator}`;
  let name = known.get(key);
  if (name === undefined) {
    const meta = Object.values(MetadataStorage.getMetadata()).find((m) => m.discriminatorValue === discriminator
      && typeof m.class === 'function' && (m.class === cls || m.class.prototype instanceof cls));
    name = meta?.className ?? cls.name;
    known.set(key, name);
  }
  return name;
}
