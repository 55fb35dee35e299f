import { randomBytes } from 'node:crypto';
import { Entity, Property } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { ContentGuard } from './content-guard.js';

/**
 * Downloads need a URL signed with this guard's key (see `signedContentUrl`), which works without
 * credentials until it expires. The key is made with the guard and never leaves the server.
 */
@ObjectType({ implements: ContentGuard })
@Entity({ discriminatorValue: 'core.signed_url' })
export class SignedUrlContentGuard extends ContentGuard {
  // `default: null`: the column has no default (other types' rows hold null); each guard draws its own key.
  @Property({ type: 'text', hidden: true, default: null })
  signingKey: string = randomBytes(32).toString('base64url');
}
