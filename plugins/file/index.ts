import { definePlugin } from '../../core/plugin-api.js';
import { FileContent } from './entities/file-content.js';
import { FileDistribution } from './entities/file-distribution.js';
import { FilePublication } from './entities/file-publication.js';
import { FileRemote } from './entities/file-remote.js';
import { FileRepository } from './entities/file-repository.js';
import { FileColumns } from './migrations/0001-file-columns.js';
import { FileContentResolver } from './resolvers/file-content-resolver.js';
import { FileDistributionResolver } from './resolvers/file-distribution-resolver.js';
import { FilePublicationResolver } from './resolvers/file-publication-resolver.js';
import { FileRemoteResolver } from './resolvers/file-remote-resolver.js';
import { FileRepositoryResolver } from './resolvers/file-repository-resolver.js';
import { createContentTask } from './tasks/create-content-task.js';
import { publishTask } from './tasks/publish-task.js';
import { syncTask } from './tasks/sync-task.js';

/** Files, the model of pulp_file: repositories of files described by a PULP_MANIFEST. */
export default definePlugin({
  name: 'file',
  entities: [FileRemote, FileRepository, FileContent, FilePublication, FileDistribution],
  resolvers: [FileRemoteResolver, FileRepositoryResolver, FileContentResolver, FilePublicationResolver, FileDistributionResolver],
  tasks: [createContentTask, publishTask, syncTask],
  migrations: [{ name: 'file-0001-columns', class: FileColumns }],
});
