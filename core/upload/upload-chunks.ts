import type { EntityManager } from '@mikro-orm/postgresql';
import { emSql } from '../db/sql.js';

export type Reservation = { ok: true } | { ok: false; reason: 'missing' } | { ok: false; reason: 'overlap'; start: number; end: number };

/**
 * Claims bytes `start`..`end` of an upload before they are written. The upload row is locked
 * while checking, so two chunks that overlap can never both be claimed.
 */
export async function reserveChunk(em: EntityManager, uploadId: string, start: number, end: number): Promise<Reservation> {
  return em.transactional(async (tx): Promise<Reservation> => {
    const [upload] = await emSql(tx, 'select id from upload where id = ? for update', [uploadId]);
    if (!upload) return { ok: false, reason: 'missing' };
    const [clash] = await emSql<{ start: string; end: string }>(tx,
      'select start, "end" from upload_chunk where upload_id = ? and start <= ? and "end" >= ? limit 1', [uploadId, end, start]);
    if (clash) return { ok: false, reason: 'overlap', start: Number(clash.start), end: Number(clash.end) };
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
