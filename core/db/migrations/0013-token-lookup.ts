import { Migration } from '@mikro-orm/migrations';

/**
 * Every request with a token checks it in PostgreSQL (a revoked or expired one is refused at
 * once by every process). The checks of concurrent requests go as one statement, and as a
 * function its query is planned once per connection, not at every request.
 */
export class TokenLookup extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function larder_token_callers(p_digests text[], p_granularity interval)
returns table (digest text, token_id uuid, user_id uuid, username text, is_admin boolean, stale boolean)
language plpgsql stable as $body$
begin
  return query
    select t.secret_digest, t.id, u.id, u.username, u.is_admin, (t.last_used_at is null or t.last_used_at < larder_now() - p_granularity)
    from api_token t join user_account u on u.id = t.user_id
    where t.secret_digest = any(p_digests) and (t.expires_at is null or t.expires_at > larder_now());
end
$body$;
`);
  }
}
