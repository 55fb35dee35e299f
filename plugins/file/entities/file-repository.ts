import { Entity, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Repository } from '../../../core/plugin-api.js';

@ObjectType({ implements: Repository })
@Entity({ discriminatorValue: 'file.file' })
export class FileRepository extends Repository {
  @Field({ description: 'Name of the manifest a publication writes.' })
  @Property({ type: 'text', fieldName: 'file_manifest' })
  manifest: string = 'PULP_MANIFEST';

  @Field({ description: 'Publish every new version automatically.' })
  @Property({ type: 'boolean', fieldName: 'file_autopublish' })
  autopublish: boolean = false;
}
