#!/usr/bin/env node
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { startLarder, type Roles, type RunningLarder } from './app.js';
import { ConfigError, loadConfig, type LarderConfig } from './config.js';
import { coreMigrations } from './db/migrations/index.js';
import { migrate, openOrm } from './db/orm.js';
import { buildLarderSchema, printLarderSchema } from './graphql/schema.js';
import { schemaFile } from './paths.js';
import { loadPlugins } from './plugin/loader.js';
import { migrationNew } from './scaffold/new-migration.js';
import { newPlugin } from './scaffold/new-plugin.js';
import { StartupError } from './startup-error.js';

const USAGE = `usage: larder <command>
  start          API, content app and workers in one process (the default)
  api            API and content app only
  worker         workers only (LARDER_WORKERS of them, default 1)
  migrate        apply pending database migrations and exit
  schema:print   write schema/schema.graphql from the code
  schema:check   fail if schema/schema.graphql differs from the code
  new-plugin N [--notes]
                 write plugins/N/: a syncing plugin (remote, content, sync, distribution),
                 or with --notes the smallest one (a content type and a task)
  migration:new P W
                 write plugin P's next migration W from what its entities need`;

async function serve(config: LarderConfig, roles: Roles): Promise<void> {
  // Signals are ours from the first moment: one that comes while Larder starts, or a second one
  // while it stops, exits at once, and the exit still stops a redis-server it started.
  let running: RunningLarder | null = null;
  const shutdown = async (signal: string) => {
    if (!running) process.exit(1);
    const stopping = running;
    running = null;
    stopping.log.info({ signal }, 'shutting down');
    await stopping.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  running = await startLarder(config, roles);
}

async function schemaText(config: LarderConfig): Promise<string> {
  return printLarderSchema(await buildLarderSchema(await loadPlugins(config.plugins)));
}

async function run(command: string): Promise<void> {
  const config = loadConfig();
  switch (command) {
    case 'start':
      return serve(config, { api: true, worker: true });
    case 'api':
      return serve({ ...config, workers: 0 }, { api: true, worker: false });
    case 'worker':
      if (config.workers === 0) throw new ConfigError('a worker process needs LARDER_WORKERS of at least 1');
      return serve(config, { api: false, worker: true });
    case 'migrate': {
      if (!config.databaseUrl) throw new ConfigError('migrate needs DATABASE_URL (the embedded database migrates itself at start)');
      const plugins = await loadPlugins(config.plugins);
      const orm = await openOrm({
        databaseUrl: config.databaseUrl, entities: plugins.flatMap((p) => p.entities), poolSize: 1,
        migrations: [...coreMigrations, ...plugins.flatMap((p) => p.migrations ?? [])],
      });
      const applied = await migrate(orm);
      await orm.close();
      console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return;
    }
    case 'schema:print':
      writeFileSync(schemaFile, await schemaText(config));
      console.log(`wrote ${schemaFile}`);
      return;
    case 'schema:check': {
      const committed = readFileSync(schemaFile, 'utf8');
      if (committed !== (await schemaText(config))) {
        console.error(`${schemaFile} is stale: run npm run schema:print and commit it`);
        process.exit(1);
      }
      console.log('schema/schema.graphql matches the code');
      return;
    }
    case 'new-plugin': {
      const [name, ...flags] = process.argv.slice(3);
      if (!name || flags.some((flag) => flag !== '--notes')) throw new ConfigError('usage: npm run new-plugin -- <name> [--notes]');
      let files: string[];
      try {
        files = newPlugin(name, undefined, flags.includes('--notes') ? 'notes' : 'syncing');
      } catch (error) {
        throw new ConfigError((error as Error).message);
      }
      console.log(`created plugins/${name}/:\n  ${files.join('\n  ')}\nnext: npm run schema:print (the API grew), then npm test`);
      return;
    }
    case 'migration:new': {
      const [plugin, what] = process.argv.slice(3);
      if (!plugin || !what) throw new ConfigError('usage: npm run migration:new -- <plugin> <what>');
      if (!config.databaseUrl) throw new ConfigError('migration:new needs DATABASE_URL: it migrates a scratch database it makes on that server');
      console.log(await migrationNew(config.databaseUrl, plugin, what));
      return;
    }
    default:
      console.error(USAGE);
      process.exit(2);
  }
}

// A bad setting (2) or something missing at start-up (1) is one line an operator can act on; any
// other error is Larder's own, and its stack is what a bug report needs.
run(process.argv[2] ?? 'start').catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    console.error(`larder: ${error.message}`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  console.error(error);
  process.exit(1);
});
