import { holdArtifact } from '../access/artifact-holders.js';
import { saveArtifact } from '../content/artifacts.js';
import { DigestMismatch, isHexDigest, SizeMismatch } from '../storage/digests.js';
import type { HttpRoute } from '../plugin/definition.js';
import { signedIn } from '../server/route-auth.js';
import { sendError, sendJson } from '../server/json-response.js';

/**
 * `POST /artifacts[?sha256=<hex>]` with the file as the body: a small file uploaded in one request
 * becomes an artifact at once (201). With `sha256`, or a `Content-Length`, the bytes are checked.
 */
export const artifactUploadRoute: HttpRoute = {
  method: 'POST',
  prefix: '/artifacts',
  async handle(req, res, ctx) {
    const { em, services } = ctx;
    const access = await signedIn(res, ctx);
    if (!access) return;
    const sha256 = new URL(req.url ?? '/', 'http://x').searchParams.get('sha256') ?? undefined;
    if (sha256 !== undefined && !isHexDigest('sha256', sha256)) {
      return sendError(res, 400, 'BAD_DIGEST', 'sha256 must be 64 hex digits');
    }
    const length = req.headers['content-length'];
    const size = length === undefined ? undefined : Number(length);
    let staged;
    try {
      staged = await services.storage.stage(req, { sha256, size });
    } catch (error) {
      if (error instanceof DigestMismatch || error instanceof SizeMismatch) return sendError(res, 400, error.code, error.message);
      if (req.destroyed || req.readableAborted) return;
      throw error;
    }
    const artifact = await saveArtifact(em, services.storage, staged);
    await holdArtifact(em, artifact.id, access.userId);
    sendJson(res, 201, { id: artifact.id, size: artifact.size, sha256: artifact.sha256 });
  },
};
