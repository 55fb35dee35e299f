import { Entity } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { ContentGuard } from './content-guard.js';

/** Downloads need credentials of a user with `viewer` on the distribution or on this guard. */
@ObjectType({ implements: ContentGuard })
@Entity({ discriminatorValue: 'core.rbac' })
export class RbacContentGuard extends ContentGuard {}
