import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { WebSocketServer } from 'ws';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CallerAccess } from './access/access.js';
import { bootstrapAdmin } from './access/admin-bootstrap.js';
import { Authenticator } from './access/authenticate.js';
import { BadCredentials, type Caller } from './access/caller.js';
import { SessionWatch } from './access/session-watch.js';
import type { LarderConfig } from './config.js';
import { useSecretKey } from './secrets/secret-box.js';
import { loadSecretKey } from './secrets/secret-key.js';
import { sealStoredSecrets } from './secrets/seal-stored.js';
import { contentTasks } from './content/content-tasks.js';
import { removeIncompleteVersions } from './content/incomplete-versions.js';
import { contentApp } from './content-app/content-app.js';
import { allowRemoteNetworks } from './download/remote-addresses.js';
import { onDemandFetcher } from './content-app/on-demand.js';
import { crudTasks } from './crud/crud-tasks.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { coreMigrations } from './db/migrations/index.js';
import { migrate, openOrm, type Orm } from './db/orm.js';
import type { ApiServices, GraphQLContext } from './graphql/context.js';
import { formatError } from './graphql/format-error.js';
import { Loaders } from './graphql/loaders.js';
import { QueryLimits } from './graphql/query-limits.js';
import { buildLarderSchema } from './graphql/schema.js';
import { createLogger, type Logger } from './logger.js';
import type { ContentHandler, HttpRoute, LarderPlugin, RouteContext } from './plugin/definition.js';
import { loadPlugins } from './plugin/loader.js';
import { ensureRedis } from './redis/ensure-redis.js';
import { describeCause, StartupError } from './startup-error.js';
import type { ArtifactStorage } from './storage/artifact-storage.js';
import { FilesystemStorage } from './storage/filesystem-storage.js';
import { artifactUploadRoute } from './upload/artifact-upload-route.js';
import { UploadFiles } from './upload/upload-files.js';
import { uploadChunkRoute } from './upload/upload-route.js';
import { commitUploadTask } from './upload/commit-upload.js';
import { handleGraphQLHttp } from './server/graphql-http.js';
import { serveGraphQLOverWebSocket } from './server/graphql-ws-server.js';
import { createRouter, type Route } from './server/router.js';
import type { TaskDispatcher } from './tasking/dispatcher.js';
import { purgeTasksTask } from './tasking/purge-tasks.js';
import type { TaskEventBus } from './tasking/task-events.js';
import { TaskRegistry } from './tasking/task-registry.js';
import { startTasking } from './tasking/tasking.js';
import { testTask } from './tasking/test-task.js';
import type { TaskWorker } from './tasking/worker.js';

/** Which parts this process runs; `npm start` runs all three. */
export interface Roles {
  api: boolean;
  worker: boolean;
}

export interface RunningLarder {
  config: LarderConfig;
  log: Logger;
  orm: Orm;
  /** `http://host:port` of the API, when this process serves one. */
  url: string | null;
  /** Dispatches tasks as resolvers do (tests and benchmarks dispatch in bulk through it). */
  tasks: TaskDispatcher;
  workers: TaskWorker[];
  stop(): Promise<void>;
}

/** The core's own HTTP endpoints beside GraphQL. */
function coreRoutes(orm: Orm, storage: ArtifactStorage, events: TaskEventBus, log: Logger, plugins: LarderPlugin[]): HttpRoute[] {
  const handlers = Object.assign({}, ...plugins.map((p) => p.contentHandlers ?? {})) as Record<string, ContentHandler>;
  const content = contentApp({ orm, storage, fetchOnDemand: onDemandFetcher({ orm, storage, log }), handlers, events });
  return [uploadChunkRoute, artifactUploadRoute, content];
}

function taskRegistry(plugins: LarderPlugin[]): TaskRegistry {
  const registry = new TaskRegistry();
  const core = [...crudTasks, ...contentTasks, commitUploadTask, purgeTasksTask, testTask];
  for (const task of [...core, ...plugins.flatMap((p) => p.tasks ?? [])]) registry.register(task);
  return registry;
}

/**
 * Starts Larder: Redis, database (migrated), and the roles asked for. Everything started is
 * stopped again, in reverse order, by `stop()` or when a later step fails.
 */
export async function startLarder(config: LarderConfig, roles: Roles, redisExplicit = Boolean(process.env.REDIS_URL)): Promise<RunningLarder> {
  const log = createLogger(config.logLevel);
  const cleanup: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    while (cleanup.length > 0) {
      try {
        await cleanup.pop()!();
      } catch (error) {
        log.warn({ err: error }, 'error while stopping');
      }
    }
  };
  try {
    const plugins = await loadPlugins(config.plugins);
    useSecretKey(loadSecretKey(config, log));
    allowRemoteNetworks(config.allowedRemoteNetworks);
    // Redis first: it is the quickest to find missing, and a redis-server started here is owned
    // (in `cleanup`) from its spawn on.
    await ensureRedis(config.redisUrl, { explicit: redisExplicit, home: config.home, log, own: (stopRedis) => cleanup.push(stopRedis) });
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres(`${config.home}/pgdata`, config.dbPoolSize, log);
      cleanup.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }

    const orm = await openOrm({
      databaseUrl, entities: plugins.flatMap((p) => p.entities), poolSize: config.dbPoolSize, logger: log,
      migrations: [...coreMigrations, ...plugins.flatMap((p) => p.migrations ?? [])],
    });
    cleanup.push(() => orm.close());
    const applied = await migrate(orm);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
    await bootstrapAdmin(orm.em, config, log);
    const sealed = await sealStoredSecrets(orm);
    if (sealed > 0) log.info({ remotes: sealed }, 'sealed the secrets of remotes stored in clear');

    const storage = new FilesystemStorage(config.storagePath);
    const uploads = new UploadFiles(config.storagePath);
    const tasking = await startTasking({
      config, orm, log, storage, uploads, registry: taskRegistry(plugins), workers: roles.worker ? config.workers : 0,
      cleanups: [removeIncompleteVersions, ...plugins.flatMap((p) => p.taskCleanups ?? [])],
    });
    cleanup.push(() => tasking.stop());
    const { dispatcher, lifecycle, events, workers } = tasking;

    let url: string | null = null;
    if (roles.api) {
      const server = await startApi(config, plugins, orm, { log, tasks: dispatcher, events, lifecycle, storage, uploads }, cleanup);
      const { port } = server.address() as AddressInfo;
      url = `http://${config.host}:${port}`;
      log.info({ url, workers: workers.length }, 'Larder is listening');
    }
    return { config, log, orm, url, tasks: dispatcher, workers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Why the API cannot listen, as one line that names the setting to change. */
function listenFailure(error: NodeJS.ErrnoException, config: LarderConfig): StartupError {
  if (error.code === 'EADDRINUSE') {
    return new StartupError(`port ${config.port} on ${config.host} is in use: stop what listens there, or set PORT to a free port (0: any)`);
  }
  return new StartupError(`cannot listen on ${config.host}:${config.port} (${describeCause(error)}): check HOST and PORT`);
}

/**
 * A request's entity manager is forked when first used (serving a remembered file needs none), and
 * its credentials are checked when first asked for.
 */
function routeContext(orm: Orm, services: ApiServices, req: IncomingMessage): RouteContext {
  let em: RouteContext['em'] | undefined;
  let access: Promise<CallerAccess> | undefined;
  const ctx: RouteContext = {
    get em() {
      return (em ??= orm.em.fork());
    },
    services,
    access: () => (access ??= accessOf(services.authenticator, req.headers.authorization, ctx.em)),
  };
  return ctx;
}

/** The access of a request with these credentials: refused ones make every operation UNAUTHENTICATED. */
async function accessOf(authenticator: Authenticator, authorization: string | undefined, em: EntityManager): Promise<CallerAccess> {
  try {
    return new CallerAccess(await authenticator.authenticate(authorization), em);
  } catch (error) {
    if (error instanceof BadCredentials) return new CallerAccess(null, em, error.message);
    throw error;
  }
}

async function startApi(
  config: LarderConfig,
  plugins: LarderPlugin[],
  orm: Orm,
  parts: Pick<ApiServices, 'log' | 'tasks' | 'events' | 'lifecycle' | 'storage' | 'uploads'>,
  cleanup: Array<() => Promise<unknown>>,
): Promise<Server> {
  const schema = await buildLarderSchema(plugins);
  await parts.events.listen();
  let publicUrl = '';
  const authenticator = new Authenticator(orm);
  const services: ApiServices = { ...parts, config, authenticator, publicUrl: () => publicUrl };
  const contextWith = (em: EntityManager, access: CallerAccess): GraphQLContext => ({ em, access, loaders: new Loaders(em, access), services });
  const context = async (req: IncomingMessage): Promise<GraphQLContext> => {
    const em = orm.em.fork();
    return contextWith(em, await accessOf(authenticator, req.headers.authorization, em));
  };

  const limits = new QueryLimits(schema, config.queryLimits);
  const apollo = new ApolloServer<GraphQLContext>({
    schema, formatError: formatError(parts.log), includeStacktraceInErrorResponses: false,
    parseOptions: limits.parseOptions, validationRules: [...limits.documentRules], plugins: [limits.apolloPlugin()],
    // Larder's own shutdown stops Apollo in order; Apollo's handler would re-raise the signal mid-way.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  cleanup.push(() => apollo.stop());

  const routes: Route[] = [
    { method: '*', prefix: '/graphql', handler: (req, res) => handleGraphQLHttp(apollo, req, res, context, config.resourceLimits.maxGraphQLBodyBytes) },
    ...[...coreRoutes(orm, parts.storage, parts.events, parts.log, plugins), ...plugins.flatMap((p) => p.routes ?? [])].map((r) => ({
      method: r.method, prefix: r.prefix, handler: (req: IncomingMessage, res: Parameters<typeof r.handle>[1]) => r.handle(req, res, routeContext(orm, services, req)),
    })),
  ];
  const router = createRouter(routes);
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = config.resourceLimits;
  const server = createServer({
    // A client slow to send its headers or its request gets 408 and loses the connection.
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // How often those timeouts are checked (node's 30 s would let a short one run far over).
    connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
  }, (req, res) => {
    router(req, res).catch((error: unknown) => {
      parts.log.error({ err: error, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error\n');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenFailure(error, config)));
    server.listen(config.port, config.host, resolve);
  });
  // Made once the server listens: a WebSocket server re-emits a listen error, which graphql-ws
  // would print as an internal error beside our one line.
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: config.resourceLimits.maxGraphQLBodyBytes });
  const sessions = new SessionWatch(orm);
  const callers = new WeakMap<object, Caller>();
  const ws = serveGraphQLOverWebSocket({
    schema,
    // Every subscription needs a signed-in user: a session without credentials closes with 4401, one with wrong ones with 4403.
    onConnect: async ({ connectionParams, extra }) => {
      const authorization = connectionParams?.authorization;
      if (typeof authorization !== 'string' || authorization.trim() === '') {
        extra.socket.close(4401, 'Unauthorized: give connectionParams.authorization');
        return false;
      }
      try {
        const caller = await authenticator.authenticate(authorization);
        callers.set(extra, caller!);
        sessions.track(extra.socket, caller!);
        return true;
      } catch (error) {
        if (error instanceof BadCredentials) return false;
        throw error;
      }
    },
    context: ({ extra }) => {
      const em = orm.em.fork();
      return contextWith(em, new CallerAccess(callers.get(extra) ?? null, em));
    },
    onSubscribe: limits.onSubscribe,
  }, wss, {
    maxOperations: config.resourceLimits.maxSubscriptionsPerConnection,
    maxBufferedBytes: config.resourceLimits.wsMaxBufferedBytes,
  }, parts.log);
  const { port } = server.address() as AddressInfo;
  publicUrl = `http://${config.host}:${port}`;
  cleanup.push(async () => {
    sessions.stop();
    await ws.dispose();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return server;
}
