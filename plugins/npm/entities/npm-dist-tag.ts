import { Entity, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Content } from '../../../core/plugin-api.js';

/**
 * A dist-tag (`next` → 2.0.0-rc.1) as content of its own, so packages stay immutable while tags
 * move: a repository version holds one tag of each name per package, and a new one replaces it.
 * Without a `latest` tag, a packument's `latest` is the highest release by semver.
 */
@ObjectType({ implements: Content })
@Entity({ discriminatorValue: 'npm.dist_tag' })
@Unique({ properties: ['name', 'tag', 'version'] })
export class NpmDistTag extends Content {
  @Field({ description: 'The package it tags.' })
  @Property({ type: 'text', fieldName: 'npm_name' })
  name!: string;

  @Field({ description: 'The tag, e.g. "latest", "next".' })
  @Property({ type: 'text', fieldName: 'npm_tag' })
  tag!: string;

  @Field({ description: 'The version it points at.' })
  @Property({ type: 'text', fieldName: 'npm_version' })
  version!: string;

  static override readonly repositoryKey = ['name', 'tag'];
}
