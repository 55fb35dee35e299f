import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { uuid7 } from '../uuid7.js';
import { Artifact } from './artifact.js';
import { Content } from './content.js';

/** Links content to the file it is made of, under the path it has inside the content. */
@ObjectType()
@Entity({ tableName: 'content_artifact' })
@Unique({ properties: ['content', 'relativePath'] })
@Index({ properties: ['artifact'] })
export class ContentArtifact {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuid7();

  @ManyToOne(() => Content, { deleteRule: 'cascade' })
  content!: Content;

  /** Null until an on-demand artifact has been fetched. */
  @ManyToOne(() => Artifact, { nullable: true, deleteRule: 'restrict' })
  artifact?: Artifact | null;

  @Field()
  @Property({ type: 'text' })
  relativePath!: string;
}
