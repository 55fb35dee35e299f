import { Migration } from '@mikro-orm/migrations';

/**
 * Every request with a token checks it in PostgreSQL (a revoked or expired one is refused at
 * once by every process). As a function, the check's query is planned once per connection and
 * not at every request: its planning cost more than its execution.
 */
export class TokenLookup extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function larder_token_caller(p_digest text, p_granularity interval)
returns table (token_id uuid, user_id uuid, username text, is_admin boolean, stale boolean)
language plpgsql stable as $body$
begin
  return query
    select t.id, u.id, u.username, u.is_admin, (t.last_used_at is null or t.last_used_at < larder_now() - p_granularity)
    from api_token t join user_account u on u.id = t.user_id
    where t.secret_digest = p_digest and (t.expires_at is null or t.expires_at > larder_now());
end
$body$;
`);
  }
}
