import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Artifact } from '../../db/entities/artifact.js';
import { ContentArtifact } from '../../db/entities/content-artifact.js';
import { Content } from '../../db/entities/content.js';
import { createReadResolver } from '../base-resolver.js';
import type { GraphQLContext } from '../context.js';

const ContentRead = createReadResolver({ entity: Content, plural: 'contents' });

/** Fields every content type shares; `content(id)` and `contents` across every plugin's types. */
@Resolver(() => Content)
export class ContentResolver extends ContentRead {
  @FieldResolver(() => [ContentArtifact])
  artifacts(@Root() content: Content, @Ctx() ctx: GraphQLContext): Promise<ContentArtifact[]> {
    return ctx.loaders
      .custom<string, ContentArtifact[]>('contentArtifacts', async (ids) => {
        const links = await ctx.em.find(ContentArtifact, { content: { $in: [...ids] } }, { orderBy: { relativePath: 'asc' } });
        return ids.map((id) => links.filter((l) => l.content.id === id));
      })
      .load(content.id);
  }
}

@Resolver(() => ContentArtifact)
export class ContentArtifactResolver {
  @FieldResolver(() => Artifact, { nullable: true, description: 'Null while an on-demand file has not been fetched.' })
  artifact(@Root() link: ContentArtifact, @Ctx() ctx: GraphQLContext): Promise<Artifact | null> {
    return ctx.loaders.load(Artifact, link.artifact?.id);
  }
}

@Resolver(() => Artifact)
export class ArtifactResolver extends createReadResolver({ entity: Artifact }) {}
