import { ApiToken } from './api-token.js';
import { Artifact } from './artifact.js';
import { ContentArtifact } from './content-artifact.js';
import { Content } from './content.js';
import { ContentGuard } from './content-guard.js';
import { Distribution } from './distribution.js';
import { Group } from './group.js';
import { HeaderContentGuard } from './header-content-guard.js';
import { Publication } from './publication.js';
import { PublicationFile } from './publication-file.js';
import { RbacContentGuard } from './rbac-content-guard.js';
import { Remote } from './remote.js';
import { RemoteArtifact } from './remote-artifact.js';
import { RepositoryContent } from './repository-content.js';
import { RepositoryVersion } from './repository-version.js';
import { RoleAssignment } from './role-assignment.js';
import { Repository } from './repository.js';
import { SignedUrlContentGuard } from './signed-url-content-guard.js';
import { TaskGroup } from './task-group.js';
import { Task } from './task.js';
import { Upload } from './upload.js';
import { UploadChunk } from './upload-chunk.js';
import { User } from './user.js';
import { Worker } from './worker.js';

/** Every entity the core owns; plugins add their subclasses to these. */
export const coreEntities = [
  Task, TaskGroup, Worker, Artifact, Content, ContentArtifact, Repository, RepositoryVersion,
  RepositoryContent, Remote, RemoteArtifact, Publication, PublicationFile, Distribution, Upload, UploadChunk,
  User, Group, ApiToken, RoleAssignment, ContentGuard, RbacContentGuard, HeaderContentGuard, SignedUrlContentGuard,
];
