import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { uuid7 } from '../uuid7.js';
import { Artifact } from './artifact.js';
import { Publication } from './publication.js';

/** A file a publication adds to its repository version's content, such as a `PULP_MANIFEST`. */
@Entity({ tableName: 'publication_file' })
@Unique({ properties: ['publication', 'relativePath'] })
export class PublicationFile {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuid7();

  @ManyToOne(() => Publication, { deleteRule: 'cascade' })
  publication!: Publication;

  @Property({ type: 'text' })
  relativePath!: string;

  @ManyToOne(() => Artifact, { deleteRule: 'restrict' })
  artifact!: Artifact;
}
