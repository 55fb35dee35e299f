import { Entity } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Distribution } from '../../../core/plugin-api.js';

@ObjectType({ implements: Distribution })
@Entity({ discriminatorValue: 'file.file' })
export class FileDistribution extends Distribution {}
