import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Access, objectArg } from '../../access/rules.js';
import { Role } from '../../access/roles.js';
import { CONTENT_PREFIX } from '../../content-app/content-app.js';
import { signablePath, signedQuery } from '../../content-app/signed-urls.js';
import { encodedPath } from '../../content/relative-path.js';
import { Distribution } from '../../db/entities/distribution.js';
import { SignedUrlContentGuard } from '../../db/entities/signed-url-content-guard.js';
import type { GraphQLContext } from '../context.js';
import { badInput, notFound } from '../errors.js';

/** `signedContentUrl`: a download link of a distribution a SignedUrlContentGuard guards, for someone without credentials. */
@Resolver()
export class SignedContentUrlResolver {
  @Query(() => String, {
    description: 'A URL of one path of the distribution that works without credentials until it expires; the distribution must have a SignedUrlContentGuard.',
  })
  @Access({ role: Role.VIEWER, on: objectArg(Distribution, 'distributionId') })
  async signedContentUrl(
    @Arg('distributionId', () => ID) distributionId: string,
    @Arg('path', () => String, { description: 'The path below the base path, e.g. "isos/disk.iso" ("" or a trailing "/": a directory listing).' }) path: string,
    @Arg('expiresInSeconds', () => Int) expiresInSeconds: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<string> {
    if (expiresInSeconds < 1) throw badInput('expiresInSeconds must be at least 1', 'expiresInSeconds');
    const relative = signablePath(path);
    if (relative === null) throw badInput(`"${path}" is no path the content app serves (empty segments, "." or "..", control characters)`, 'path');
    const distribution = await ctx.em.findOne(Distribution, { id: distributionId }, { populate: ['contentGuard'] });
    // A global viewer passes the access rule for any id.
    if (!distribution) throw notFound('Distribution', distributionId);
    const guard = distribution.contentGuard;
    if (!(guard instanceof SignedUrlContentGuard)) {
      throw badInput(`Distribution "${distribution.name}" is not guarded by a SignedUrlContentGuard, so a signed URL would mean nothing`, 'distributionId');
    }
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const directory = relative !== '' && path.endsWith('/') ? '/' : '';
    return `${ctx.services.publicUrl()}${CONTENT_PREFIX}${distribution.basePath}/${encodedPath(relative)}${directory}`
      + `?${signedQuery(guard.signingKey, distribution.basePath, relative, expires)}`;
  }
}
