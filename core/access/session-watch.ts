import type { WebSocket } from 'ws';
import { sql, type WithEntityManager } from '../db/sql.js';
import type { Caller } from './caller.js';

/** How often open sessions are checked: a revoked or expired token's sessions end within this (plus one query). */
const CHECK_EVERY_MS = 2_000;
/** The close code of graphql-ws for refused credentials. */
const FORBIDDEN = 4403;

/**
 * Ends graphql-ws sessions whose credentials stopped being valid after they connected: a token
 * revoked or expired, a user deleted. One query per check for all the sessions of this process.
 */
export class SessionWatch {
  private readonly sessions = new Map<WebSocket, Caller>();
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(private readonly db: WithEntityManager) {
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS).unref();
  }

  track(socket: WebSocket, caller: Caller): void {
    this.sessions.set(socket, caller);
    socket.once('close', () => this.sessions.delete(socket));
  }

  private async check(): Promise<void> {
    if (this.checking || this.sessions.size === 0) return;
    this.checking = true;
    try {
      const callers = [...this.sessions.values()];
      const tokens = [...new Set(callers.flatMap((c) => (c.tokenId ? [c.tokenId] : [])))];
      const users = [...new Set(callers.map((c) => c.userId))];
      const [valid] = await sql<{ tokens: string[]; users: string[] }>(this.db,
        `select array(select id::text from api_token where id = any($1::uuid[]) and (expires_at is null or expires_at > larder_now())) as tokens,
                array(select id::text from user_account where id = any($2::uuid[])) as users`, [tokens, users]);
      const tokenOk = new Set(valid!.tokens);
      const userOk = new Set(valid!.users);
      for (const [socket, caller] of this.sessions) {
        if (!userOk.has(caller.userId) || (caller.tokenId !== null && !tokenOk.has(caller.tokenId))) {
          this.sessions.delete(socket);
          socket.close(FORBIDDEN, 'Forbidden: the credentials of this session are no longer valid');
        }
      }
    } catch {
      // The database is away: sessions are checked again at the next tick.
    } finally {
      this.checking = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
