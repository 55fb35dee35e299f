import { Entity } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Repository } from '../../../core/plugin-api.js';

/** npm packages and their dist-tags: what one registry serves. */
@ObjectType({ implements: Repository })
@Entity({ discriminatorValue: 'npm.npm' })
export class NpmRepository extends Repository {}
