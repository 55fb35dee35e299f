import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { uuid7 } from '../uuid7.js';
import { Artifact } from './artifact.js';
import { Publication } from './publication.js';

/** A file a publication adds to its repository version's content, such as a `PULP_MANIFEST`. */
@Entity({ tableName: 'publication_file' })
@Unique({ properties: ['publication', 'relativePath'] })
@Index({ properties: ['artifact'] })
export class PublicationFile {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuid7();

  // Under the names PostgreSQL gave the foreign keys that migration core-0004 declared inline.
  @ManyToOne(() => Publication, { deleteRule: 'cascade', foreignKeyName: 'publication_file_publication_id_fkey' })
  publication!: Publication;

  @Property({ type: 'text' })
  relativePath!: string;

  @ManyToOne(() => Artifact, { deleteRule: 'restrict', foreignKeyName: 'publication_file_artifact_id_fkey' })
  artifact!: Artifact;
}
