import { mkdirSync } from 'node:fs';
import type { Logger } from '../logger.js';
import { describeCause, StartupError } from '../startup-error.js';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL for a machine that has none: PGlite (PostgreSQL compiled to WebAssembly) with its
 * data under `dataDir`, served on a loopback port so the ordinary driver connects unchanged.
 * It is one backend session, so transactions run one at a time: fine for one process.
 */
export async function startEmbeddedPostgres(dataDir: string, connections: number, log: Logger): Promise<EmbeddedPostgres> {
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
  ]);
  let db: InstanceType<typeof PGlite>;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = await PGlite.create(dataDir);
  } catch (error) {
    throw new StartupError(`the embedded PostgreSQL cannot use ${dataDir} (${describeCause(error)}): move it aside, choose another LARDER_HOME, or set DATABASE_URL`);
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: connections });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw new StartupError(`the embedded PostgreSQL cannot listen on 127.0.0.1 (${describeCause(error)}): bring up loopback, or set DATABASE_URL`);
  }
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  log.info({ dataDir, url }, 'embedded PostgreSQL (PGlite) started');
  return {
    url,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
