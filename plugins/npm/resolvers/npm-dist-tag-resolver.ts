import { Resolver } from 'type-graphql';
import { createReadResolver } from '../../../core/plugin-api.js';
import { NpmDistTag } from '../entities/npm-dist-tag.js';

/** Dist-tags are content like packages: a moved tag is a new unit in a new repository version. */
@Resolver(() => NpmDistTag)
export class NpmDistTagResolver extends createReadResolver({ entity: NpmDistTag }) {}
