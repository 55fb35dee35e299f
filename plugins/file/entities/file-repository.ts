import { Entity, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Repository, type RepositoryVersion, type TaskContext } from '../../../core/plugin-api.js';
import { publishFileVersion } from '../publisher.js';

@ObjectType({ implements: Repository })
@Entity({ discriminatorValue: 'file.file' })
export class FileRepository extends Repository {
  // `default: null`: the column has no default (other types' rows hold null); the initializer is only this type's.
  @Field({ description: 'Name of the manifest a publication writes.' })
  @Property({ type: 'text', fieldName: 'file_manifest', default: null })
  manifest: string = 'PULP_MANIFEST';

  @Field({ description: 'Publish every new version automatically.' })
  @Property({ type: 'boolean', fieldName: 'file_autopublish', default: null })
  autopublish: boolean = false;

  override async onNewVersion(ctx: TaskContext<unknown>, version: RepositoryVersion): Promise<void> {
    if (this.autopublish) await publishFileVersion(ctx, version.id, this.manifest);
  }
}
