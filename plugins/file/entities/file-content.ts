import { Entity, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Content } from '../../../core/plugin-api.js';

/** One file; the same path with the same bytes is stored once however many repositories hold it. */
@ObjectType({ implements: Content })
@Entity({ discriminatorValue: 'file.file' })
@Unique({ properties: ['relativePath', 'digest'] })
export class FileContent extends Content {
  @Field({ description: 'Path of the file in a repository, e.g. "isos/boot.iso".' })
  @Property({ type: 'text', fieldName: 'file_relative_path' })
  relativePath!: string;

  @Field({ description: 'sha256 of the file, hex.' })
  @Property({ type: 'text', fieldName: 'file_digest' })
  digest!: string;

  /** A repository version holds one file per path; a new file at a path replaces the old one. */
  static override readonly repositoryKey = ['relativePath'];
}
