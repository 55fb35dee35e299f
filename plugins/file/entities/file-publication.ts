import { Entity, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Publication } from '../../../core/plugin-api.js';

/** A repository version with its `PULP_MANIFEST` written. */
@ObjectType({ implements: Publication })
@Entity({ discriminatorValue: 'file.file' })
export class FilePublication extends Publication {
  // `default: null`: the column has no default (other types' rows hold null); the initializer is only this type's.
  @Field({ description: 'Name of the manifest file in this publication.' })
  @Property({ type: 'text', fieldName: 'file_manifest', default: null })
  manifest: string = 'PULP_MANIFEST';
}
