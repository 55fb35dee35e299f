/**
 * Larder's plugin API: the one module plugins import from the core (like `pulpcore.plugin`).
 * Anything a plugin needs is added here on purpose; the rest of `core/` may change freely.
 */
export { BaseEntity } from './db/entities/base-entity.js';
export { NamedEntity, type Labels } from './db/entities/named-entity.js';
export { Repository } from './db/entities/repository.js';
export { RepositoryVersion } from './db/entities/repository-version.js';
export { Content } from './db/entities/content.js';
export { ContentArtifact } from './db/entities/content-artifact.js';
export { Artifact } from './db/entities/artifact.js';
export { Remote } from './db/entities/remote.js';
export { RemotePolicy } from './db/entities/remote-policy.js';
export { Publication } from './db/entities/publication.js';
export { Distribution } from './db/entities/distribution.js';
export { Task } from './db/entities/task.js';
export { TaskGroup } from './db/entities/task-group.js';
export { TaskState } from './db/entities/task-state.js';

export { createBaseResolver, createReadResolver, type BaseResolverOptions, type ReadResolverOptions } from './graphql/base-resolver.js';
export { Access, eitherArg, objectArg, versionArg, type AccessRule, type Locate, type ObjectRef } from './access/rules.js';
export { Role } from './access/roles.js';
export type { CallerAccess } from './access/access.js';
export { BadCredentials, type Caller } from './access/caller.js';
export { issueApiToken, type IssuedApiToken } from './access/issue-api-token.js';
export { CHALLENGE, sendUnauthenticated, signedIn } from './server/route-auth.js';
export type { GraphQLContext, ApiServices } from './graphql/context.js';
export { apiError, badInput, conflict, forbidden, notFound, type ErrorCode } from './graphql/errors.js';
export { isUuid } from './db/uuid7.js';
export { BadInputFailure, ConflictFailure, ForbiddenFailure, NotFoundFailure, UnauthenticatedFailure } from './expected-failure.js';
export { DateTime, JSONScalar, SafeInt } from './scalars.js';

export {
  definePlugin, type ContentHandler, type ContentRequest, type HttpRoute, type LarderPlugin, type RouteContext,
} from './plugin/definition.js';
export {
  repositoryTypes, type OwnType, type RepositoryTypes, type RepositoryTypesOptions,
} from './plugin/repository-types.js';
export type { ExpectedDrift } from './db/schema-drift.js';
export { CONTENT_PREFIX } from './content-app/content-app.js';
export type { ServingTarget } from './content-app/serving-target.js';
export { servedDocument, type DocumentBuilder, type ServedDocument } from './content-app/version-documents.js';
export { sendDocument } from './content-app/send-document.js';
export { versionIndex, type IndexedFile, type IndexedUnit, type VersionIndexOptions } from './content-app/version-index.js';
export { readBody, TooLarge } from './server/read-body.js';
export { sendError, sendJson } from './server/json-response.js';

export { dispatch } from './tasking/dispatch.js';
export type { DispatchOptions } from './tasking/dispatcher.js';
export { defineTask, TaskFailure, type TaskContext, type TaskDefinition } from './tasking/task-definition.js';
export { createTaskGroup, finishTaskGroup } from './tasking/task-groups.js';
export type { TaskCleanup, TaskCleanupContext } from './tasking/task-cleanup.js';
export { objectResource, resourceName } from './tasking/resources.js';
export { taskOutcome } from './tasking/task-outcome.js';

export { CreateRepositoryInput, UpdateRepositoryInput } from './graphql/inputs/repository-inputs.js';
export { CreateRemoteInput, UpdateRemoteInput } from './graphql/inputs/remote-inputs.js';
export {
  CreateDistributionInput, CreateRepositoryDistributionInput, UpdateDistributionInput, UpdateRepositoryDistributionInput,
} from './graphql/inputs/distribution-inputs.js';
export { NameRules, NotNullIfGiven } from './graphql/inputs/name-rules.js';
export { IsBasePath, IsHeaders, IsLabels } from './graphql/validation.js';
export { basePathLocks } from './content/base-paths.js';

export {
  createRepositoryResolver, type RepositoryResolverOptions, type RepositorySync,
} from './graphql/repository-base-resolver.js';
export { createDistributionResolver, type DistributionResolverOptions } from './graphql/distribution-base-resolver.js';
export { createRemoteResolver, type RemoteResolverOptions } from './graphql/remote-base-resolver.js';
export { inVersion } from './content/version-content.js';
export { writeVersion } from './content/new-version.js';
export { publish, type PublicationWriter } from './content/publish.js';
export { versionFiles, type VersionFile } from './content/version-files.js';
export type { VersionWriter } from './content/version-writer.js';
export { contentShape, type ContentShape } from './content/content-columns.js';
export { findContent, saveContent, type RemoteSource, type UnitFile, type UnitSpec } from './content/content-saver.js';
export { saveArtifact, saveArtifacts } from './content/artifacts.js';
export { isSafeRelativePath } from './content/relative-path.js';
export { runSyncPipeline, type SyncCounts, type SyncPipelineOptions } from './sync/sync-pipeline.js';
export type { DeclarativeFile, DeclarativeUnit } from './sync/declarative-content.js';
export { defineSyncTask, type Sync, type SyncArgs, type SyncTaskDefinition, type SyncUnits } from './sync/sync-task.js';
export { commitUpload } from './upload/commit-upload.js';
export { Upload } from './db/entities/upload.js';
export type { ArtifactStorage, StagedFile } from './storage/artifact-storage.js';
export { DigestMismatch, SizeMismatch, isHexDigest, type Digests, type ExpectedDigests } from './storage/digests.js';

export { Downloader, type DownloaderOptions, type RetryNotice } from './download/downloader.js';
export type { RemoteSettings } from './download/remote-settings.js';
export { DownloadError, HttpError, type DownloadErrorCode } from './download/download-errors.js';
export type { HttpResponse } from './download/http-client.js';
export { resolveAgainst, resolveUrl } from './download/urls.js';
