import { Migration } from '@mikro-orm/migrations';

/**
 * Core-0007 was edited after it first landed: larder_wake and larder_unblocked became PL/pgSQL
 * (a SQL function these settings keep from being inlined is planned again at every call), and
 * larder_conflicts was dropped. A database that applied the first text never runs 0007 again,
 * so it kept the old functions; this brings every database to what 0007 now says. On one that
 * applied the current text it changes nothing. `create or replace` may change a function's
 * language as long as its arguments and result stay the same, and they do.
 */
export class SetBasedTaskingCatchUp extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create or replace function larder_wake(p_exclusive text[], p_shared text[]) returns setof uuid language plpgsql stable
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
begin
  return query
    select distinct h.id
    from (select r, true from unnest(p_exclusive) r
          union all
          select r, false from unnest(p_shared) r where not r = any(p_exclusive)) released(resource, exclusive)
    cross join lateral larder_queue_heads(released.resource, released.exclusive) h(id);
end
$body$;
`);
    this.addSql(`
create or replace function larder_unblocked(p_ids uuid[]) returns setof uuid language plpgsql stable
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
begin
  return query
    select t.id from task t
    where t.id = any(p_ids)
      and not exists (select 1 from unnest(t.exclusive_resources) r(resource)
                      join task_reservation other on other.resource = r.resource and other.seq < t.seq)
      and not exists (select 1 from unnest(t.shared_resources) r(resource)
                      join task_reservation other on other.resource = r.resource and other.seq < t.seq and other.exclusive)
    order by t.seq;
end
$body$;
`);
    this.addSql(`drop function if exists larder_conflicts(text[], text[], bigint);`);
  }
}
