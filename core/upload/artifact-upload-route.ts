import { holdArtifact } from '../access/artifact-holders.js';
import { saveArtifact } from '../content/artifacts.js';
import { DigestMismatch, isHexDigest, SizeMismatch } from '../storage/digests.js';
import type { HttpRoute } from '../plugin/definition.js';
import { closeAfterRefusal, declaredOver, limitedBody, TooLarge } from '../server/read-body.js';
import { signedIn } from '../server/route-auth.js';
import { sendError, sendJson } from '../server/json-response.js';

/**
 * `POST /artifacts[?sha256=<hex>]` with the file as the body: a small file uploaded in one request
 * becomes an artifact at once (201). With `sha256`, or a `Content-Length`, the bytes are checked.
 * A body over LARDER_MAX_ARTIFACT_BODY_BYTES is refused with 413 TOO_LARGE: at once when its
 * Content-Length says so, else as soon as that many bytes have come (what came is not kept).
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
    const limit = services.config.resourceLimits.maxArtifactBodyBytes;
    const tooLarge = () => {
      closeAfterRefusal(res);
      sendError(res, 413, 'TOO_LARGE', `The body has more than ${limit} bytes, the most LARDER_MAX_ARTIFACT_BODY_BYTES allows: upload larger files with createUpload`);
    };
    if (declaredOver(req, limit)) return tooLarge();
    const length = req.headers['content-length'];
    const size = length === undefined ? undefined : Number(length);
    let staged;
    try {
      // A body with a Content-Length has exactly that many bytes (node's parser and the size check see to it).
      staged = await services.storage.stage(size === undefined ? limitedBody(req, limit) : req, { sha256, size });
    } catch (error) {
      if (error instanceof TooLarge) return tooLarge();
      if (error instanceof DigestMismatch || error instanceof SizeMismatch) return sendError(res, 400, error.code, error.message);
      if (req.destroyed || req.readableAborted) return;
      throw error;
    }
    const artifact = await saveArtifact(em, services.storage, staged);
    await holdArtifact(em, artifact.id, access.userId);
    sendJson(res, 201, { id: artifact.id, size: artifact.size, sha256: artifact.sha256 });
  },
};
