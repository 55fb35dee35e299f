import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallerAccess } from '../access/access.js';
import { rank, Role } from '../access/roles.js';
import { sendError } from '../server/json-response.js';
import { sendUnauthenticated, unauthenticatedMessage } from '../server/route-auth.js';
import { validSignature } from './signed-urls.js';

/** A distribution's content guard as the content app checks it: read with the distribution, remembered with it. */
export type GuardRule =
  | { kind: 'rbac'; guardId: string }
  | { kind: 'header'; guardId: string; headerName: string; headerValue: string }
  | { kind: 'signed-url'; guardId: string; signingKey: string }
  // A type this server has no check for (a plugin's, say): every download is refused, a guard never fails open.
  | { kind: 'unknown'; guardId: string; type: string };

/** The guard's columns, as the serving query selects them beside the distribution's (all null: no guard). */
export interface GuardColumns {
  guard_id: string | null;
  guard_type: string | null;
  guard_header_name: string | null;
  guard_header_value: string | null;
  guard_signing_key: string | null;
}

export function guardRule(row: GuardColumns): GuardRule | null {
  const { guard_id: guardId, guard_type: type } = row;
  if (guardId === null || type === null) return null;
  if (type === 'core.rbac') return { kind: 'rbac', guardId };
  if (type === 'core.header' && row.guard_header_name && row.guard_header_value !== null) {
    return { kind: 'header', guardId, headerName: row.guard_header_name.toLowerCase(), headerValue: row.guard_header_value };
  }
  if (type === 'core.signed_url' && row.guard_signing_key) return { kind: 'signed-url', guardId, signingKey: row.guard_signing_key };
  return { kind: 'unknown', guardId, type };
}

/** One request to a guarded distribution, as far as its guard looks at it. */
export interface GuardedRequest {
  req: IncomingMessage;
  distributionId: string;
  basePath: string;
  /** The decoded path below the base path, as the content app serves it. */
  path: string;
  /** The caller, from the request's credentials (only an RBAC guard asks). */
  access(): Promise<CallerAccess>;
}

export interface Refusal {
  status: 401 | 403;
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  message: string;
}

const forbidden = (message: string): Refusal => ({ status: 403, code: 'FORBIDDEN', message });

/** Equal strings, compared in constant time whatever their lengths (their digests are). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Why the guard refuses the request, or null when it lets it through. It looks at the request
 * alone, never at what the distribution serves, so a refusal tells nothing of whether the path exists.
 */
export async function guardRefusal(rule: GuardRule, request: GuardedRequest): Promise<Refusal | null> {
  switch (rule.kind) {
    case 'rbac': {
      const access = await request.access();
      if (!access.caller) {
        return { status: 401, code: 'UNAUTHENTICATED', message: unauthenticatedMessage(access, 'Downloads from this distribution need credentials') };
      }
      if ((await access.rankOn(request.distributionId, rule.guardId)) >= rank(Role.VIEWER)) return null;
      return forbidden('Downloads from this distribution need the viewer role on it or on its content guard');
    }
    case 'header': {
      const given = request.req.headers[rule.headerName];
      if (typeof given === 'string' && sameSecret(given, rule.headerValue)) return null;
      return forbidden('The request lacks the header value this distribution\'s content guard requires');
    }
    case 'signed-url': {
      const query = new URL(request.req.url ?? '/', 'http://x').searchParams;
      if (validSignature(rule.signingKey, request.basePath, request.path, query, Math.floor(Date.now() / 1000))) return null;
      return forbidden('Downloads from this distribution need a signed URL (signedContentUrl) for this path that has not expired');
    }
    case 'unknown':
      return forbidden(`This distribution's content guard is of a type this server cannot check (${rule.type})`);
  }
}

/** A refusal, with the challenge a client answers with credentials. */
export function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  if (refusal.status === 401) sendUnauthenticated(res, refusal.message);
  else sendError(res, refusal.status, refusal.code, refusal.message);
}
