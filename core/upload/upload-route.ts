import type { HttpRoute } from '../plugin/definition.js';
import { Upload } from '../db/entities/upload.js';
import { isUuid } from '../db/uuid7.js';
import { sendError, sendJson } from '../server/json-response.js';
import { chunkRange } from './content-range.js';
import { chunkWritten, releaseChunk, reserveChunk } from './upload-chunks.js';
import { ChunkLengthMismatch } from './upload-files.js';

/**
 * `PUT /uploads/<id>` with `Content-Range: bytes a-b/*`: writes one chunk of an upload, in any
 * order. A chunk that overlaps another is refused (409), so no byte is written twice.
 */
export const uploadChunkRoute: HttpRoute = {
  method: 'PUT',
  prefix: '/uploads/',
  async handle(req, res, { em, services }) {
    const id = new URL(req.url ?? '/', 'http://x').pathname.slice('/uploads/'.length);
    const upload = isUuid(id) ? await em.findOne(Upload, { id }) : null;
    if (!upload) return sendError(res, 404, 'NOT_FOUND', `upload ${id} does not exist`);
    const range = chunkRange(req.headers['content-range'], upload.size);
    if (!range) {
      return sendError(res, 400, 'BAD_CONTENT_RANGE', `Content-Range must be "bytes start-end/*" within the upload's ${upload.size} bytes`);
    }
    const reserved = await reserveChunk(em, id, range.start, range.end);
    if (!reserved.ok) {
      return reserved.reason === 'missing'
        ? sendError(res, 404, 'NOT_FOUND', `upload ${id} does not exist`)
        : sendError(res, 409, 'OVERLAPPING_CHUNK', `bytes ${range.start}-${range.end} overlap the chunk at bytes ${reserved.start}-${reserved.end}`);
    }
    try {
      await services.uploads.write(id, range.start, range.end - range.start + 1, req);
    } catch (error) {
      await releaseChunk(em, id, range.start);
      if (error instanceof ChunkLengthMismatch) return sendError(res, 400, 'CHUNK_LENGTH_MISMATCH', error.message);
      if (req.destroyed || req.readableAborted) return;
      throw error;
    }
    await chunkWritten(em, id, range.start);
    sendJson(res, 200, { id, start: range.start, end: range.end });
  },
};
