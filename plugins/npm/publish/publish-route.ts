import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  DigestMismatch, objectResource, readBody, Role, saveArtifact, signedIn, sendError, sendJson, SizeMismatch, taskOutcome,
  ForbiddenFailure, NotFoundFailure, TaskState, TooLarge, type Artifact, type CallerAccess, type HttpRoute, type RouteContext, type Task,
} from '../../../core/plugin-api.js';
import { answerAccount } from '../accounts/answer-account.js';
import { NpmDistribution } from '../entities/npm-distribution.js';
import { NpmRepository } from '../entities/npm-repository.js';
import { integrityFromSha512 } from '../registry/integrity.js';
import type { PublishArgs } from '../tasks/publish-task.js';
import { publishAddress, PUBLISH_PREFIX } from './publish-address.js';
import { publishConflict } from './publish-conflict.js';
import { parsePublishDocument, PublishRefused, type PublishRequest } from './publish-document.js';

/** The largest publish document taken: the tarball travels in it as base64, and the whole document is read at once. */
const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;

/** The repository that the npm distribution at `basePath` serves: where a publish there goes. */
async function targetRepository(em: EntityManager, basePath: string): Promise<NpmRepository> {
  const distribution = await em.findOne(NpmDistribution, { basePath });
  if (!distribution) throw new PublishRefused(404, 'NOT_FOUND', `No npm distribution has the base path "${basePath}"`);
  const repository = distribution.repository ? await em.findOne(NpmRepository, { id: distribution.repository.id }) : null;
  if (!repository) {
    throw new PublishRefused(409, 'CONFLICT',
      `The npm distribution "${distribution.name}" serves no repository, so there is nothing to publish into: give it one (updateNpmDistribution with repositoryId)`);
  }
  return repository;
}

async function readDocument(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse((await readBody(req, MAX_DOCUMENT_BYTES)).toString('utf8'));
  } catch (error) {
    if (error instanceof TooLarge) throw new PublishRefused(413, 'TOO_LARGE', `A publish document may have at most ${MAX_DOCUMENT_BYTES} bytes`);
    if (error instanceof SyntaxError) throw new PublishRefused(400, 'BAD_REQUEST', 'The publish document is not JSON');
    throw error;
  }
}

/** Stores the tarball once its bytes match what the client says they hash to; nothing is stored when they do not. */
async function storeTarball({ em, services }: RouteContext, request: PublishRequest): Promise<Artifact> {
  const expected = { size: request.tarball.length, sha512: request.sha512, ...(request.shasum ? { sha1: request.shasum } : {}) };
  try {
    return await saveArtifact(em, services.storage, await services.storage.stage(Readable.from([request.tarball]), expected));
  } catch (error) {
    if (!(error instanceof DigestMismatch || error instanceof SizeMismatch)) throw error;
    throw new PublishRefused(400, error.code, `The tarball does not match its dist.integrity or dist.shasum: ${error.message}`);
  }
}

/** Aborts when the client hangs up before it has its answer. */
function clientGone(res: ServerResponse): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableEnded) gone.abort(new Error('the client went away'));
  });
  return gone.signal;
}

function answer(res: ServerResponse, outcome: Task, request: PublishRequest): void {
  const id = `${request.name}@${request.version}`;
  if (outcome.state === TaskState.COMPLETED) return sendJson(res, 201, { ok: true, id, task: outcome.id });
  const code = outcome.error?.code ?? outcome.state;
  const status = code === 'CONFLICT' ? 409 : code === 'NOT_FOUND' ? 404 : 500;
  sendError(res, status, code, outcome.error?.description ?? `The publish task of ${id} ended ${outcome.state}`);
}

/**
 * Publishing needs `contributor` on the repository. Anyone may know the distribution serves one (it
 * installs from it), so a caller who may not even see the repository is forbidden too, as npm users
 * expect (E403), and told nothing of it.
 */
async function mayPublish(access: CallerAccess, repository: NpmRepository, basePath: string): Promise<string> {
  try {
    return await access.requireRole(Role.CONTRIBUTOR, { kind: 'repository', id: repository.id }, 'NpmRepository');
  } catch (error) {
    if (error instanceof ForbiddenFailure || error instanceof NotFoundFailure) {
      throw new PublishRefused(403, 'FORBIDDEN', `${access.caller!.username} may not publish to ${basePath}: that needs the contributor role on the repository it serves`);
    }
    throw error;
  }
}

async function publish(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, access: CallerAccess): Promise<void> {
  const address = publishAddress(new URL(req.url ?? '/', 'http://x').pathname);
  if (!address) throw new PublishRefused(404, 'NOT_FOUND', `Publish with npm publish --registry <larder>${PUBLISH_PREFIX}<basePath>/`);
  const repository = await targetRepository(ctx.em, address.basePath);
  const permission = await mayPublish(access, repository, address.basePath);
  const request = parsePublishDocument(await readDocument(req), address.name);
  const conflict = await publishConflict(ctx.em, repository, {
    name: request.name, version: request.version, integrity: integrityFromSha512(request.sha512), shasum: request.shasum,
  });
  if (conflict) throw new PublishRefused(409, 'CONFLICT', conflict);
  const artifact = await storeTarball(ctx, request);
  const args: PublishArgs = {
    repositoryId: repository.id, artifactId: artifact.id, name: request.name, version: request.version, manifest: request.manifest, tags: request.tags,
  };
  const task = await access.act(permission, () => ctx.services.tasks.dispatch('npm.publish', { ...args }, {
    exclusiveResources: [objectResource(ctx.em, NpmRepository, repository.id)],
  }));
  const outcome = await taskOutcome(ctx, task.id, clientGone(res));
  if (outcome) answer(res, outcome, request);
}

/**
 * `PUT /npm/<basePath>/<name>`, as `npm publish` sends it: by a contributor of the repository, the version is
 * checked (its tarball against its integrity and shasum), then added to the repository the
 * distribution serves by a task that holds the repository; the answer waits for the task. 201 for
 * a new version, 409 for one the repository has, 400 for a bad document or tarball.
 * `npm login` PUTs under the same URL.
 */
export const publishRoute: HttpRoute = {
  method: 'PUT',
  prefix: PUBLISH_PREFIX,
  async handle(req, res, ctx) {
    if (await answerAccount(req, res, ctx, PUBLISH_PREFIX)) return;
    const access = await signedIn(res, ctx);
    if (!access) return;
    try {
      await publish(req, res, ctx, access);
    } catch (error) {
      if (!(error instanceof PublishRefused)) throw error;
      sendError(res, error.status, error.code, error.message);
    }
  },
};
