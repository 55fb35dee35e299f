import { BigIntType, Entity, Index, ManyToOne, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base-entity.js';
import { ContentArtifact } from './content-artifact.js';
import { Remote } from './remote.js';

/**
 * Where a content's file can be fetched from a remote, with what it must hash to: the record an
 * on-demand or streamed sync leaves instead of the file itself.
 */
@Entity({ tableName: 'remote_artifact' })
@Unique({ properties: ['contentArtifact', 'remote'] })
@Index({ properties: ['remote'] })
export class RemoteArtifact extends BaseEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  // Under the names PostgreSQL gave the foreign keys that migration core-0004 declared inline.
  @ManyToOne(() => ContentArtifact, { deleteRule: 'cascade', foreignKeyName: 'remote_artifact_content_artifact_id_fkey' })
  contentArtifact!: ContentArtifact;

  @ManyToOne(() => Remote, { deleteRule: 'cascade', foreignKeyName: 'remote_artifact_remote_id_fkey' })
  remote!: Remote;

  @Property({ type: 'text' })
  url!: string;

  @Property({ type: new BigIntType('number'), nullable: true })
  size?: number | null;

  @Property({ type: 'text', nullable: true })
  sha256?: string | null;

  @Property({ type: 'text', nullable: true })
  sha512?: string | null;

  @Property({ type: 'text', nullable: true })
  sha1?: string | null;

  @Property({ type: 'text', nullable: true })
  md5?: string | null;
}
