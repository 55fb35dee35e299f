import { Entity } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Remote } from '../../../core/plugin-api.js';

/** A remote file repository: a directory served over HTTP(S) with a `PULP_MANIFEST`. */
@ObjectType({ implements: Remote })
@Entity({ discriminatorValue: 'file.file' })
export class FileRemote extends Remote {}
