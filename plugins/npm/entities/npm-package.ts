import { Entity, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Content, DateTime, JSONScalar } from '../../../core/plugin-api.js';

/** The version document of a package as a registry lists it; the fields npm reads (dependencies, bin, engines, …) are kept whole. */
export type PackageManifest = Record<string, unknown>;

/**
 * One version of one npm package: its tarball is the artifact (at `<name>/-/<basename>-<version>.tgz`,
 * as a registry lays it out) and its version document is kept whole, so a packument built from it
 * is as faithful as the registry it came from. A name and version is one package, stored once.
 */
@ObjectType({ implements: Content })
@Entity({ discriminatorValue: 'npm.package' })
@Unique({ properties: ['name', 'version'] })
export class NpmPackage extends Content {
  @Field({ description: 'Package name, with its scope if it has one: "left-pad", "@babel/core".' })
  @Property({ type: 'text', fieldName: 'npm_name' })
  name!: string;

  @Field({ description: 'Semantic version, e.g. "1.10.0".' })
  @Property({ type: 'text', fieldName: 'npm_version' })
  version!: string;

  @Field(() => String, { nullable: true, description: 'Subresource integrity of the tarball, "sha512-<base64>" (null for old packages listed with a shasum only).' })
  @Property({ type: 'text', nullable: true, fieldName: 'npm_integrity' })
  integrity?: string | null;

  @Field(() => String, { nullable: true, description: 'sha1 of the tarball, hex (the registry\'s legacy "shasum").' })
  @Property({ type: 'text', nullable: true, fieldName: 'npm_shasum' })
  shasum?: string | null;

  @Field(() => JSONScalar, { description: 'The version document: dependencies, bin, engines, os, cpu, deprecated, scripts, …' })
  @Property({ type: 'jsonb', fieldName: 'npm_manifest' })
  manifest!: PackageManifest;

  @Field(() => DateTime, { nullable: true, description: 'When the version was published (upstream\'s time, or when it was published to Larder).' })
  @Property({ type: 'timestamptz', nullable: true, fieldName: 'npm_published_at' })
  publishedAt?: Date | null;

  /** A repository version holds a package's version once. */
  static override readonly repositoryKey = ['name', 'version'];
}
