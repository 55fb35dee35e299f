import type { EntityManager } from '@mikro-orm/postgresql';
import { Content } from '../db/entities/content.js';
import { Repository } from '../db/entities/repository.js';
import { RepositoryVersion } from '../db/entities/repository-version.js';
import { slowStatementForTest } from '../db/slow-statement.js';
import { emSql } from '../db/sql.js';
import { TaskFailure } from '../tasking/task-definition.js';
import { discardAbandonedVersions, discardVersion } from './version-discard.js';
import { pruneVersions } from './version-retention.js';

/** The condition every change is made under (its value: the version's id): this writer's version is still there, incomplete. */
const OWN_VERSION = 'exists (select 1 from repository_version where id = ? and not complete)';

/**
 * Writes the next version of a repository while its task holds the repository exclusively.
 *
 * Membership is stored as ranges (see RepositoryContent), so the new version costs rows only for
 * what changes: adding writes a row that starts at the new number, removing closes a row there.
 * Until `finish()` the version is incomplete, invisible to every reader, and `discard()` (or the
 * task's cleanup) rolls the change back.
 *
 * A writer touches only the version it made: each statement is conditional on that version row
 * (by id) still being there and incomplete, so a writer whose version was rolled back (its task
 * lost its reservations and was cleaned up) cannot change a later version that reuses the number.
 */
export class VersionWriter {
  /** Whether this version has removed anything yet: until it has, there is nothing for `add` to restore. */
  private removedAny = false;

  private constructor(
    private readonly em: EntityManager,
    readonly repository: Repository,
    readonly version: RepositoryVersion,
  ) {}

  get number(): number {
    return this.version.number;
  }

  static async open(em: EntityManager, repositoryId: string, taskId: string | null): Promise<VersionWriter> {
    await discardAbandonedVersions(em, repositoryId, taskId);
    const repository = await em.findOneOrFail(Repository, { id: repositoryId });
    const base = await em.findOneOrFail(RepositoryVersion, { repository: repositoryId, number: repository.latestVersionNumber });
    const [{ next }] = await emSql<{ next: number }>(em, 'select coalesce(max(number), 0) + 1 as next from repository_version where repository_id = ?', [repositoryId]) as [{ next: number }];
    const version = em.create(RepositoryVersion, { repository, number: next, baseVersion: base, complete: false, taskId });
    await em.persistAndFlush(version);
    return new VersionWriter(em, repository, version);
  }

  /** Content ids to be present in the new version; ids already present cost nothing. */
  async add(contentIds: readonly string[]): Promise<void> {
    if (contentIds.length === 0) return;
    await slowStatementForTest(this.em, 'version-writer.add');
    const ids = [...new Set(contentIds)];
    if (this.removedAny) {
      await emSql(this.em, `update repository_content set version_removed = null
        where repository_id = ? and version_removed = ? and content_id = any(?::uuid[]) and ${OWN_VERSION}`,
      [this.repository.id, this.number, ids, this.version.id]);
    }
    await emSql(this.em, `insert into repository_content (id, repository_id, content_id, version_added)
      select larder_uuid7(), ?, c, ? from unnest(?::uuid[]) c where ${OWN_VERSION}
      on conflict (repository_id, content_id) where version_removed is null do nothing`, [this.repository.id, this.number, ids, this.version.id]);
  }


  /** Remembers content a sync saw upstream, for `removeUnseen()` (mirroring). */
  async markSeen(contentIds: readonly string[]): Promise<void> {
    if (contentIds.length === 0) return;
    await emSql(this.em, `insert into version_staging (version_id, content_id) select ?, c from unnest(?::uuid[]) c
      where ${OWN_VERSION} on conflict do nothing`, [this.version.id, [...new Set(contentIds)], this.version.id]);
  }

  async remove(contentIds: readonly string[]): Promise<void> {
    if (contentIds.length === 0) return;
    await this.removeWhere('content_id = any(?::uuid[])', [[...new Set(contentIds)]]);
  }

  async removeAll(): Promise<void> {
    await this.removeWhere('true', []);
  }

  /** Removes everything present that `markSeen` was not told about. */
  async removeUnseen(): Promise<void> {
    await this.removeWhere('content_id not in (select content_id from version_staging where version_id = ?)', [this.version.id]);
  }

  /** Makes the new version's content exactly that of version `number` (before further changes). */
  async resetTo(number: number): Promise<void> {
    const base = await this.em.findOne(RepositoryVersion, { repository: this.repository.id, number, complete: true });
    if (!base) throw new TaskFailure(`Version ${number} of repository ${this.repository.name} does not exist`, 'NOT_FOUND');
    const inBase = `select content_id from repository_content where repository_id = ? and version_added <= ?
      and (version_removed is null or version_removed > ?)`;
    await this.removeWhere(`content_id not in (${inBase})`, [this.repository.id, number, number]);
    const rows = await emSql<{ content_id: string }>(this.em, inBase, [this.repository.id, number, number]);
    await this.add(rows.map((r) => r.content_id));
  }

  /**
   * Completes the version, or throws it away when nothing changed (a no-op creates no version).
   * Returns the new version, or null.
   */
  async finish(): Promise<RepositoryVersion | null> {
    await this.enforceRepositoryKeys();
    await emSql(this.em, 'delete from version_staging where version_id = ?', [this.version.id]);
    const [{ changed }] = await emSql<{ changed: boolean }>(this.em, `select exists (select 1 from repository_content
      where repository_id = ? and (version_added = ? or version_removed = ?)) as changed`, [this.repository.id, this.number, this.number]) as [{ changed: boolean }];
    if (!changed) {
      await this.discard();
      return null;
    }
    await this.em.transactional(async (tx) => {
      const completed = await emSql(tx, 'update repository_version set complete = true, updated_at = now() where id = ? and not complete returning id',
        [this.version.id]);
      if (completed.length === 0) throw new Error(`version ${this.number} of repository ${this.repository.id} was rolled back before it was complete`);
      await emSql(tx, 'update repository set latest_version_number = ?, updated_at = now() where id = ?', [this.number, this.repository.id]);
    });
    this.version.complete = true;
    this.repository.latestVersionNumber = this.number;
    await pruneVersions(this.em, this.repository);
    return this.version;
  }

  async discard(): Promise<void> {
    await discardVersion(this.em, this.version.id);
  }

  private async removeWhere(condition: string, values: unknown[]): Promise<void> {
    this.removedAny = true;
    await emSql(this.em, `delete from repository_content where repository_id = ? and version_added = ? and (${condition}) and ${OWN_VERSION}`,
      [this.repository.id, this.number, ...values, this.version.id]);
    await emSql(this.em, `update repository_content set version_removed = ? where repository_id = ? and version_removed is null
      and (${condition}) and ${OWN_VERSION}`, [this.number, this.repository.id, ...values, this.version.id]);
  }

  /**
   * Units with the same repository key (a file's relative path) replace each other: what the new
   * version adds wins over what it had; two added units with one key are an error.
   */
  private async enforceRepositoryKeys(): Promise<void> {
    for (const meta of Object.values(this.em.getMetadata().getAll())) {
      const type = meta.class as unknown as typeof Content;
      if (!meta.discriminatorValue || !(type.prototype instanceof Content) || type.repositoryKey.length === 0) continue;
      const columns = type.repositoryKey.map((p) => meta.properties[p as never]!.fieldNames[0]!);
      const added = `select c.* from repository_content rc join content c on c.id = rc.content_id
        where rc.repository_id = ? and rc.version_added = ? and rc.version_removed is null and c.type = ?`;
      const args = [this.repository.id, this.number, meta.discriminatorValue];
      const clash = await emSql<Record<string, unknown>>(this.em,
        `select ${columns.map((c) => `a.${c}`).join(', ')} from (${added}) a group by ${columns.map((c) => `a.${c}`).join(', ')} having count(*) > 1 limit 1`, args);
      if (clash.length > 0) {
        const key = type.repositoryKey.map((p, i) => `${p} "${String(clash[0]![columns[i]!])}"`).join(', ');
        throw new TaskFailure(`Two units of ${meta.className} with ${key} would be in one version`, 'DUPLICATE_CONTENT');
      }
      this.removedAny = true;
      await emSql(this.em, `update repository_content rc set version_removed = ? from content c
        where rc.repository_id = ? and rc.version_removed is null and rc.version_added < ? and c.id = rc.content_id and c.type = ?
          and exists (select 1 from (${added}) a where ${columns.map((col) => `a.${col} = c.${col}`).join(' and ')}) and ${OWN_VERSION}`,
      [this.number, this.repository.id, this.number, meta.discriminatorValue, ...args, this.version.id]);
    }
  }
}
