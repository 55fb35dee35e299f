import { inVersion, sendDocument, sendError, servedDocument, type ContentHandler } from '../../../core/plugin-api.js';
import { NpmDistTag } from '../entities/npm-dist-tag.js';
import { NpmPackage } from '../entities/npm-package.js';
import { ABBREVIATED_TYPE, wantsAbbreviated } from '../registry/metadata-format.js';
import { packageNameAt } from '../registry/package-name.js';
import { abbreviate, buildPackument } from '../registry/packument.js';

/**
 * The registry read protocol on an npm distribution: `GET /<name>` (a scoped name as `@scope%2fname`
 * or `@scope/name`) answers the packument of the versions the distribution serves, abbreviated
 * when the client asks for it. Every other path (tarballs above all) is the content app's.
 * A packument is built once per version served (and kept while it is asked for), with an ETag
 * that lets npm revalidate its cached copy.
 */
export const servePackuments: ContentHandler = async (request) => {
  // `em` stays on the request: reading it forks an entity manager, which a kept packument does not need.
  const { req, res, target, baseUrl, document } = request;
  const name = packageNameAt(target.path);
  if (name === null) return false;
  const { repositoryId, versionNumber } = target;
  const abbreviated = wantsAbbreviated(req.headers.accept);
  const packument = repositoryId === null || versionNumber === null
    ? null
    : await document(JSON.stringify([name, abbreviated, baseUrl]), async () => {
      const packages = await request.em.find(NpmPackage, { name, ...inVersion(repositoryId, versionNumber) });
      if (packages.length === 0) return null;
      const tags = await request.em.find(NpmDistTag, { name, ...inVersion(repositoryId, versionNumber) });
      const full = buildPackument(name, packages, tags, baseUrl);
      return servedDocument(JSON.stringify(abbreviated ? abbreviate(full) : full), abbreviated ? ABBREVIATED_TYPE : 'application/json');
    });
  if (!packument) sendError(res, 404, 'NOT_FOUND', `${name} is not in this registry`);
  else sendDocument(req, res, packument, { vary: 'Accept' });
  return true;
};
