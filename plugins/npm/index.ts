import { definePlugin } from '../../core/plugin-api.js';
import { contentLoginRoute } from './accounts/content-login-route.js';
import { NpmDistTag } from './entities/npm-dist-tag.js';
import { NpmDistribution } from './entities/npm-distribution.js';
import { NpmPackage } from './entities/npm-package.js';
import { NpmRemote } from './entities/npm-remote.js';
import { NpmRepository } from './entities/npm-repository.js';
import { NpmColumns } from './migrations/0001-npm-columns.js';
import { npmSchemaDrift } from './migrations/expected-drift.js';
import { publishRoute } from './publish/publish-route.js';
import { registryReadsRoute } from './publish/registry-reads-route.js';
import { NpmDistTagResolver } from './resolvers/npm-dist-tag-resolver.js';
import { NpmDistributionResolver } from './resolvers/npm-distribution-resolver.js';
import { NpmPackageResolver } from './resolvers/npm-package-resolver.js';
import { NpmRemoteResolver } from './resolvers/npm-remote-resolver.js';
import { NpmRepositoryResolver } from './resolvers/npm-repository-resolver.js';
import { serveRegistry } from './serving/registry-handler.js';
import { publishTask } from './tasks/publish-task.js';
import { syncTask } from './tasks/sync-task.js';

/** npm packages: mirrored from registries, published with npm publish, served to npm install as a registry; npm login and whoami for Larder's users. */
export default definePlugin({
  name: 'npm',
  entities: [NpmRemote, NpmRepository, NpmPackage, NpmDistTag, NpmDistribution],
  resolvers: [NpmRemoteResolver, NpmRepositoryResolver, NpmPackageResolver, NpmDistTagResolver, NpmDistributionResolver],
  tasks: [syncTask, publishTask],
  routes: [publishRoute, registryReadsRoute, contentLoginRoute],
  contentHandlers: { 'npm.npm': serveRegistry },
  migrations: [{ name: 'npm-0001-columns', class: NpmColumns }],
  schemaDrift: npmSchemaDrift,
});
