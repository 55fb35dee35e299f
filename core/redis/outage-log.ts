import type { Logger } from '../logger.js';

/**
 * Logs a Redis connection's trouble once per outage, and its recovery, rather than every failed
 * reconnection attempt (clients retry every few hundred milliseconds).
 */
export class OutageLog {
  private down = false;

  constructor(private readonly log: Logger, private readonly what: string) {}

  error(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.log.warn({ err: error }, `${this.what}: Redis error; retrying until it answers`);
  }

  ready(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info(`${this.what}: Redis answers again`);
  }
}

/** Wires an ioredis-like client's events to an OutageLog. */
export function logOutages(client: { on(event: 'error' | 'ready', listener: (error?: unknown) => void): unknown }, log: Logger, what: string): void {
  const outages = new OutageLog(log, what);
  client.on('error', (error) => outages.error(error));
  client.on('ready', () => outages.ready());
}
