import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/orm.js';
import { emSql } from '../db/sql.js';
import { isWriteFenceHeld, withWriteFenceHeld } from '../db/write-fence.js';
import type { ArtifactStorage, ByteRange, StagedFile, StagingWriter } from '../storage/artifact-storage.js';
import type { ExpectedDigests } from '../storage/digests.js';

/**
 * The artifact store as a task run sees it: a file is moved into (or out of) the store only while
 * the run holds its reservations, as its database writes are. Inside `withArtifactLocks` (how
 * the core stores artifacts) the transaction holds the fence already; anywhere else a commit or
 * removal holds it in a transaction of its own. Staging (the temporary area) is the run's own
 * business and stays as it is.
 */
export class FencedStorage implements ArtifactStorage {
  constructor(private readonly inner: ArtifactStorage, private readonly orm: Orm) {}

  stage(source: Readable, expected?: ExpectedDigests, signal?: AbortSignal): Promise<StagedFile> {
    return this.inner.stage(source, expected, signal);
  }

  writer(expected?: ExpectedDigests): StagingWriter {
    return this.inner.writer(expected);
  }

  commit(file: StagedFile): Promise<void> {
    return this.fenced(() => this.inner.commit(file));
  }

  stat(sha256: string): Promise<{ size: number } | null> {
    return this.inner.stat(sha256);
  }

  open(sha256: string, range?: ByteRange): Readable {
    return this.inner.open(sha256, range);
  }

  remove(sha256: string): Promise<void> {
    return this.fenced(() => this.inner.remove(sha256));
  }

  private async fenced(change: () => Promise<void>): Promise<void> {
    if (isWriteFenceHeld()) return change();
    await (this.orm.em.fork() as EntityManager).transactional(async (tx) => {
      await emSql(tx, 'select larder_fence_hold()');
      await withWriteFenceHeld(change);
    });
  }
}
