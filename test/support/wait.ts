import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `probe` until it returns something other than undefined/false, failing after `timeoutMs`.
 * For states that live in PostgreSQL (a task row, a worker row): no event to await there.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(25);
  }
}
