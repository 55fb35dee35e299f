import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import type { LarderPlugin } from '../plugin/definition.js';
import { DateTime } from '../scalars.js';
import { ContentArtifactResolver, ArtifactResolver, ContentResolver } from './resolvers/content-resolver.js';
import { contentGuardResolvers } from './resolvers/content-guard-resolver.js';
import { DistributionResolver } from './resolvers/distribution-resolver.js';
import { PublicationResolver } from './resolvers/publication-resolver.js';
import { RemoteResolver } from './resolvers/remote-resolver.js';
import { RepositoryResolver } from './resolvers/repository-resolver.js';
import { RepositoryVersionResolver } from './resolvers/repository-version-resolver.js';
import { SignedContentUrlResolver } from './resolvers/signed-content-url-resolver.js';
import { TaskGroupResolver } from './resolvers/task-group-resolver.js';
import { TaskResolver } from './resolvers/task-resolver.js';
import { TestTaskResolver } from './resolvers/test-task-resolver.js';
import { UploadResolver } from './resolvers/upload-resolver.js';
import { MaintenanceResolver } from './resolvers/maintenance-resolver.js';
import { WorkerResolver } from './resolvers/worker-resolver.js';
import { ApiTokenResolver } from './resolvers/api-token-resolver.js';
import { GroupResolver } from './resolvers/group-resolver.js';
import { RoleResolver } from './resolvers/role-resolver.js';
import { UserResolver } from './resolvers/user-resolver.js';
import { enforceAccess } from './access-enforcement.js';

const coreResolvers = [
  TaskResolver, TaskGroupResolver, TestTaskResolver, WorkerResolver, RepositoryResolver, RepositoryVersionResolver,
  ContentResolver, ContentArtifactResolver, ArtifactResolver, RemoteResolver, PublicationResolver, DistributionResolver,
  UploadResolver, MaintenanceResolver, UserResolver, GroupResolver, ApiTokenResolver, RoleResolver,
  ...contentGuardResolvers, SignedContentUrlResolver,
] as const;

/**
 * type-graphql insists on a PubSub once any subscription exists; Larder's subscriptions build
 * their own streams from the task event bus (`subscribe:`), so this one is never reached.
 */
const streamsOnly: PubSub = {
  publish() {
    throw new Error('Larder subscriptions stream from the task event bus; nothing publishes here');
  },
  subscribe() {
    throw new Error('Larder subscriptions stream from the task event bus; nothing subscribes here');
  },
};

/** The API of the core and these plugins, every root operation behind its declared access rule. */
export async function buildLarderSchema(plugins: LarderPlugin[]): Promise<GraphQLSchema> {
  return enforceAccess(await buildSchema({
    resolvers: [...coreResolvers, ...plugins.flatMap((p) => p.resolvers)] as [Function, ...Function[]],
    scalarsMap: [{ type: Date, scalar: DateTime }],
    // Nulls are validated too: `null` for a required field is an error, not a skipped check.
    validate: { forbidUnknownValues: false, skipMissingProperties: false },
    pubSub: streamsOnly,
  }));
}

/** The SDL committed as schema/schema.graphql: sorted, so it changes only when the API does. */
export function printLarderSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
