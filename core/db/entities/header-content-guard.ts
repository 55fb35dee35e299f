import { Entity, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { ContentGuard } from './content-guard.js';

/** Downloads must carry one header with exactly one value (a shared secret of a CDN or a proxy in front). */
@ObjectType({ implements: ContentGuard })
@Entity({ discriminatorValue: 'core.header' })
export class HeaderContentGuard extends ContentGuard {
  @Field({ description: 'The request header a download must carry, e.g. "x-cdn-secret".' })
  @Property({ type: 'text' })
  headerName!: string;

  @Field({ description: 'The exact value that header must have.' })
  @Property({ type: 'text' })
  headerValue!: string;
}
