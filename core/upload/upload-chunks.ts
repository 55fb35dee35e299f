import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';

export type Reservation =
  | { ok: true }
  | { ok: false; reason: 'missing' }
  /** Earlier chunks wrote every byte of the range: a chunk sent again, if its bytes are those. */
  | { ok: false; reason: 'written' }
  | { ok: false; reason: 'overlap'; start: number; end: number };

/**
 * Claims bytes `start`..`end` of an upload before they are written. The upload row is locked
 * while checking, so two chunks that overlap can never both be claimed.
 */
export async function reserveChunk(em: EntityManager, uploadId: string, start: number, end: number): Promise<Reservation> {
  return em.transactional(async (tx): Promise<Reservation> => {
    const [upload] = await emSql(tx, 'select id from upload where id = ? for update', [uploadId]);
    if (!upload) return { ok: false, reason: 'missing' };
    // Chunks never overlap one another: the first of those in the range has both the least start
    // and the least end, and their parts in the range add up to it when they cover it.
    const [clashes] = await emSql<{ first_start: string | null; first_end: string; covered: string; written: boolean }>(tx, `
      select min(start) as first_start, min("end") as first_end, sum(least("end", ?) - greatest(start, ?) + 1) as covered,
             bool_and(written) as written
      from upload_chunk where upload_id = ? and start <= ? and "end" >= ?`, [end, start, uploadId, end, start]);
    if (clashes?.first_start != null) {
      if (clashes.written && Number(clashes.covered) === end - start + 1) return { ok: false, reason: 'written' };
      return { ok: false, reason: 'overlap', start: Number(clashes.first_start), end: Number(clashes.first_end) };
    }
    await emSql(tx, 'insert into upload_chunk (upload_id, start, "end") values (?, ?, ?)', [uploadId, start, end]);
    return { ok: true };
  });
}

export async function chunkWritten(em: EntityManager, uploadId: string, start: number): Promise<void> {
  await emSql(em, 'update upload_chunk set written = true where upload_id = ? and start = ?', [uploadId, start]);
}

export async function releaseChunk(em: EntityManager, uploadId: string, start: number): Promise<void> {
  await emSql(em, 'delete from upload_chunk where upload_id = ? and start = ?', [uploadId, start]);
}

/** Bytes of the upload that chunks have written. */
export async function writtenBytes(em: EntityManager, uploadIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await emSql<{ upload_id: string; bytes: string }>(em, `select upload_id, sum("end" - start + 1) as bytes
    from upload_chunk where written and upload_id = any(?::uuid[]) group by upload_id`, [[...uploadIds]]);
  return new Map(rows.map((r) => [r.upload_id, Number(r.bytes)]));
}
