import { concreteTypeName } from './concrete-type.js';
import { Entity, Index, ManyToOne, OptionalProps, Property, Unique, type EntityManager } from '@mikro-orm/core';
import { Field, Int, InterfaceType } from 'type-graphql';
import type { TaskContext } from '../../tasking/task-definition.js';
import { NamedEntity } from './named-entity.js';
import { Remote } from './remote.js';
import { RepositoryVersion } from './repository-version.js';

/**
 * A named, versioned set of content. Plugins subclass it (single-table inheritance,
 * discriminator `<plugin>.<type>`); `repositories` lists every plugin's kinds at once.
 */
@InterfaceType({ resolveType: concreteTypeName })
@Entity({ tableName: 'repository', discriminatorColumn: 'type', abstract: true })
@Unique({ properties: ['type', 'name'] })
@Index({ properties: ['remote'] })
export abstract class Repository extends NamedEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'labels' | 'type' | 'latestVersionNumber' | 'syncFingerprint';

  @Field()
  @Property({ type: 'text' })
  type!: string;

  @Field(() => Int, { nullable: true, description: 'Keep only this many newest versions; null keeps all.' })
  @Property({ type: 'int', nullable: true })
  retainRepoVersions?: number | null;

  /** The newest complete version's number; versions are numbered 0, 1, 2, … per repository. */
  @Property({ type: 'int' })
  latestVersionNumber: number = 0;

  @ManyToOne(() => Remote, { nullable: true, deleteRule: 'set null' })
  remote?: Remote | null;

  /**
   * What the last sync saw (remote settings and upstream metadata digest), so that a re-sync of
   * unchanged upstream content can be skipped.
   */
  @Property({ type: 'text', nullable: true, hidden: true })
  syncFingerprint?: string | null;

  /**
   * Called in the task that made a new version, after it is complete: a plugin's repository
   * type overrides it to act on new versions (e.g. publish them when `autopublish` is on).
   */
  async onNewVersion(_ctx: TaskContext<unknown>, _version: RepositoryVersion): Promise<void> {}

  /** Every repository starts with an empty, complete version 0. */
  onCreate(em: EntityManager): void {
    em.persist(em.create(RepositoryVersion, { repository: this, number: 0, complete: true }));
  }
}
