import { inVersion, sendError, type ContentHandler } from '../../../core/plugin-api.js';
import { NpmDistTag } from '../entities/npm-dist-tag.js';
import { NpmPackage } from '../entities/npm-package.js';
import { ABBREVIATED_TYPE, wantsAbbreviated } from '../registry/metadata-format.js';
import { packageNameAt } from '../registry/package-name.js';
import { abbreviate, buildPackument } from '../registry/packument.js';

/**
 * The registry read protocol on an npm distribution: `GET /<name>` (a scoped name as `@scope%2fname`
 * or `@scope/name`) answers the packument of the versions the distribution serves, abbreviated
 * when the client asks for it. Every other path (tarballs above all) is the content app's.
 */
export const servePackuments: ContentHandler = async ({ req, res, target, baseUrl, em }) => {
  const name = packageNameAt(target.path);
  if (name === null) return false;
  const notHere = () => {
    sendError(res, 404, 'NOT_FOUND', `${name} is not in this registry`);
    return true;
  };
  const { repositoryId, versionNumber } = target;
  if (repositoryId === null || versionNumber === null) return notHere();
  const packages = await em.find(NpmPackage, { name, ...inVersion(repositoryId, versionNumber) });
  if (packages.length === 0) return notHere();
  const tags = await em.find(NpmDistTag, { name, ...inVersion(repositoryId, versionNumber) });
  const packument = buildPackument(name, packages, tags, baseUrl);
  const abbreviated = wantsAbbreviated(req.headers.accept);
  const body = JSON.stringify(abbreviated ? abbreviate(packument) : packument);
  res.writeHead(200, {
    'content-type': abbreviated ? ABBREVIATED_TYPE : 'application/json',
    'content-length': Buffer.byteLength(body),
    vary: 'Accept',
  });
  res.end(body);
  return true;
};
