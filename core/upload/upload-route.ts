import type { IncomingMessage } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { HttpRoute } from '../plugin/definition.js';
import { Upload } from '../db/entities/upload.js';
import { isUuid } from '../db/uuid7.js';
import { signedIn } from '../server/route-auth.js';
import { sendError, sendJson } from '../server/json-response.js';
import { chunkRange, type ChunkRange } from './content-range.js';
import { chunkWritten, releaseChunk, reserveChunk } from './upload-chunks.js';
import { ChunkLengthMismatch, type UploadFiles } from './upload-files.js';

/**
 * `PUT /uploads/<id>` with `Content-Range: bytes a-b/*`: writes one chunk of an upload, in any
 * order. A chunk that overlaps another is refused (409), so no byte is written twice; one whose
 * bytes were all written already is a chunk sent again (its first answer lost, say): the same
 * bytes have the same answer, others are refused (409).
 */
export const uploadChunkRoute: HttpRoute = {
  method: 'PUT',
  prefix: '/uploads/',
  async handle(req, res, ctx) {
    const { em, services } = ctx;
    const access = await signedIn(res, ctx);
    if (!access) return;
    const id = new URL(req.url ?? '/', 'http://x').pathname.slice('/uploads/'.length);
    // An upload is its creator's alone: anyone else is told it does not exist.
    const upload = isUuid(id) ? await em.findOne(Upload, { $and: [{ id }, (await access.visible(Upload))()] }) : null;
    if (!upload) return sendError(res, 404, 'NOT_FOUND', `upload ${id} does not exist`);
    const range = chunkRange(req.headers['content-range'], upload.size);
    if (!range) {
      return sendError(res, 400, 'BAD_CONTENT_RANGE', `Content-Range must be "bytes start-end/*" within the upload's ${upload.size} bytes`);
    }
    const { start, end } = range;
    const reserved = await reserveChunk(em, id, start, end);
    if (!reserved.ok && reserved.reason === 'missing') return sendError(res, 404, 'NOT_FOUND', `upload ${id} does not exist`);
    if (!reserved.ok && reserved.reason === 'overlap') {
      return sendError(res, 409, 'OVERLAPPING_CHUNK', `bytes ${start}-${end} overlap the chunk at bytes ${reserved.start}-${reserved.end}`);
    }
    try {
      if (reserved.ok) {
        await writeChunk(em, services.uploads, id, range, req);
      } else if (!(await services.uploads.holds(id, start, end - start + 1, req))) {
        return sendError(res, 409, 'CHUNK_CONFLICT', `bytes ${start}-${end} were written already, with other bytes`);
      }
    } catch (error) {
      if (error instanceof ChunkLengthMismatch) return sendError(res, 400, 'CHUNK_LENGTH_MISMATCH', error.message);
      if (req.destroyed || req.readableAborted) return;
      throw error;
    }
    sendJson(res, 200, { id, start, end });
  },
};

/** Writes a reserved chunk; one that fails is released, so it can be sent again. */
async function writeChunk(em: EntityManager, uploads: UploadFiles, id: string, range: ChunkRange, body: IncomingMessage): Promise<void> {
  try {
    await uploads.write(id, range.start, range.end - range.start + 1, body);
  } catch (error) {
    await releaseChunk(em, id, range.start);
    throw error;
  }
  await chunkWritten(em, id, range.start);
}
