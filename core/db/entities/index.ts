import { Artifact } from './artifact.js';
import { ContentArtifact } from './content-artifact.js';
import { Content } from './content.js';
import { Distribution } from './distribution.js';
import { Publication } from './publication.js';
import { Remote } from './remote.js';
import { RepositoryContent } from './repository-content.js';
import { RepositoryVersion } from './repository-version.js';
import { Repository } from './repository.js';
import { TaskGroup } from './task-group.js';
import { Task } from './task.js';
import { Upload } from './upload.js';
import { Worker } from './worker.js';

/** Every entity the core owns; plugins add their subclasses to these. */
export const coreEntities = [
  Task, TaskGroup, Worker, Artifact, Content, ContentArtifact, Repository, RepositoryVersion,
  RepositoryContent, Remote, Publication, Distribution, Upload,
];
