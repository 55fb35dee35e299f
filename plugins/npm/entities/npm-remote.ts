import { Entity, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Remote } from '../../../core/plugin-api.js';

/** An npm registry (https://registry.npmjs.org/ or any other) and the packages to mirror from it. */
@ObjectType({ implements: Remote })
@Entity({ discriminatorValue: 'npm.npm' })
export class NpmRemote extends Remote {
  @Field(() => [String], { description: 'Package specs to mirror: "left-pad" (every version), "@scope/pkg@^2" (the versions in a range), "pkg@next" (a tag).' })
  @Property({ type: 'jsonb', fieldName: 'npm_packages' })
  packages: string[] = [];

  // `default: null`: the column has no default (other types' rows hold null); the initializer is only this type's.
  @Field({ description: 'Also mirror the dependencies of every mirrored version, each resolved to its best match as npm would, recursively.' })
  @Property({ type: 'boolean', fieldName: 'npm_follow_dependencies', default: null })
  followDependencies: boolean = false;
}
