import { Field, Int, ObjectType } from 'type-graphql';

/**
 * What a repository version holds, by content type: a shape the content layer computes and the
 * API shows (a type-graphql type, like the entities, so it needs no mapping in between).
 */
@ObjectType()
export class ContentCount {
  @Field({ description: 'Content type, e.g. `file.file`.' })
  type!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class ContentSummary {
  @Field(() => [ContentCount], { description: 'Added in this version.' })
  added!: ContentCount[];

  @Field(() => [ContentCount], { description: 'Removed in this version.' })
  removed!: ContentCount[];

  @Field(() => [ContentCount], { description: 'In this version.' })
  present!: ContentCount[];
}
