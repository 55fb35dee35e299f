import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { uuid7 } from '../uuid7.js';
import { Content } from './content.js';
import { Repository } from './repository.js';

/**
 * Membership of content in a repository as a range of version numbers: present in every version
 * from `versionAdded` up to, but not including, `versionRemoved`. A new version writes only its change.
 */
@Entity({ tableName: 'repository_content' })
@Index({ properties: ['repository', 'versionAdded'] })
@Index({ properties: ['repository', 'versionRemoved'] })
@Index({ properties: ['content'] })
export class RepositoryContent {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuid7();

  @ManyToOne(() => Repository, { deleteRule: 'cascade' })
  repository!: Repository;

  @ManyToOne(() => Content, { deleteRule: 'cascade' })
  content!: Content;

  @Property({ type: 'int' })
  versionAdded!: number;

  @Property({ type: 'int', nullable: true })
  versionRemoved?: number | null;
}
