import { afterEach } from 'vitest';
import { createTestDatabase } from './database.js';

type Cleanup = () => unknown;

/**
 * For the calling test file: clean-ups registered during a test run after it, the last first.
 * Returns `later(cleanup)`, and `freshDatabase()`, which gives a new database dropped after the test.
 */
export function afterEachTest(): { later(cleanup: Cleanup): void; freshDatabase(): Promise<string> } {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });
  const later = (cleanup: Cleanup) => void cleanups.push(cleanup);
  return {
    later,
    async freshDatabase() {
      const database = await createTestDatabase();
      later(() => database.drop());
      return database.url;
    },
  };
}
