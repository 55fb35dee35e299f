import { Migration } from '@mikro-orm/migrations';

/**
 * Migration core-0007 as it first landed on main (commit 6f95665), before its functions were
 * edited in place: databases migrated then hold this text's `language sql` larder_wake and
 * larder_unblocked, and still have larder_conflicts. Kept verbatim, so a test can make such a
 * database and check that later migrations bring it to what a fresh database has.
 */
export class FirstSetBasedTasking extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
-- The tasks that head a resource's queue and may start once a holder released it: after an
-- exclusive release, the waiting shared requests before the first exclusive one, or that
-- exclusive one when nothing is before it; after a shared release, only the latter (the shared
-- requests at the head could start already).
create function larder_queue_heads(p_resource text, p_released_exclusive boolean) returns setof uuid
language sql stable as $body$
  select r.task_id from task_reservation r join task t on t.id = r.task_id and t.state = 'WAITING'
  where p_released_exclusive and r.resource = p_resource and not r.exclusive
    and r.seq < coalesce((select min(x.seq) from task_reservation x where x.resource = p_resource and x.exclusive),
                         9223372036854775807)
  union all
  select head.task_id
  from (select x.task_id, x.exclusive from task_reservation x where x.resource = p_resource order by x.seq limit 1) head
  join task t on t.id = head.task_id and t.state = 'WAITING'
  where head.exclusive
$body$;

create or replace function larder_wake(p_exclusive text[], p_shared text[]) returns setof uuid language sql stable
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
  select distinct h.id
  from (select r, true from unnest(p_exclusive) r
        union all
        select r, false from unnest(p_shared) r where not r = any(p_exclusive)) released(resource, exclusive)
  cross join lateral larder_queue_heads(released.resource, released.exclusive) h(id)
$body$;
`);
    this.addSql(`
-- The ids of these tasks (in the table already) that no earlier reservation blocks, in seq order.
create function larder_unblocked(p_ids uuid[]) returns setof uuid language sql stable
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
  select t.id from task t
  where t.id = any(p_ids)
    and not exists (select 1 from unnest(t.exclusive_resources) r(resource)
                    join task_reservation other on other.resource = r.resource and other.seq < t.seq)
    and not exists (select 1 from unnest(t.shared_resources) r(resource)
                    join task_reservation other on other.resource = r.resource and other.seq < t.seq and other.exclusive)
  order by t.seq
$body$;
`);
    this.addSql(`
-- Many tasks, in the order given: p_tasks is [{id, name, args, exclusive, shared, parent, group,
-- createdAt}]. Returns the ids of those nothing blocks. Every group must exist and be open; it
-- is held FOR SHARE, so closing it waits for this dispatch.
create function larder_dispatch_batch(p_tasks jsonb) returns setof uuid language plpgsql
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
declare
  v_group uuid;
  v_closed boolean;
  v_seqs bigint[];
  v_ids uuid[];
begin
  for v_group in select distinct (t->>'group')::uuid from jsonb_array_elements(p_tasks) t where t->>'group' is not null order by 1 loop
    select all_tasks_dispatched into v_closed from task_group where id = v_group for share;
    if not found then
      raise exception 'task group % does not exist', v_group using errcode = 'LG404', detail = v_group::text;
    end if;
    if v_closed then
      raise exception 'task group % accepts no more tasks', v_group using errcode = 'LG409', detail = v_group::text;
    end if;
  end loop;
  perform larder_lock_resources(array(
    select jsonb_array_elements_text(t->'exclusive') from jsonb_array_elements(p_tasks) t
    union all
    select jsonb_array_elements_text(t->'shared') from jsonb_array_elements(p_tasks) t));
  -- Drawn after the locks, so per resource seq order is commit order; one session's values rise.
  v_seqs := array(select s from (select nextval('task_seq') s from generate_series(1, jsonb_array_length(p_tasks))) drawn order by s);
  with input as (
    select (t->>'id')::uuid id, t->>'name' name, t->'args' args,
           array(select jsonb_array_elements_text(t->'exclusive')) exclusive_resources,
           array(select jsonb_array_elements_text(t->'shared')) shared_resources,
           (t->>'parent')::uuid parent, (t->>'group')::uuid grp, (t->>'createdAt')::timestamptz created_at, v_seqs[n] seq
    from jsonb_array_elements(p_tasks) with ordinality a(t, n)),
  inserted as (
    insert into task (id, created_at, updated_at, seq, name, state, args, exclusive_resources, shared_resources,
                      progress_reports, created_resources, parent_task_id, task_group_id)
    select id, created_at, created_at, seq, name, 'WAITING', args, exclusive_resources, shared_resources, '[]', '{}', parent, grp
    from input
    returning id),
  reserved as (
    insert into task_reservation (task_id, resource, exclusive, seq)
    select id, r, true, seq from input, unnest(exclusive_resources) r
    union all
    select id, r, false, seq from input, unnest(shared_resources) r)
  select array_agg(id) into v_ids from inserted;
  -- A new statement: the reservations just made (of earlier tasks of this batch too) count.
  return query select larder_unblocked(v_ids);
end
$body$;
`);
    this.addSql(`
-- Moves each WAITING task of p_ids that nothing blocks to RUNNING for p_worker, and returns it; a
-- task this worker already started comes back as it is (the answer to that start was lost).
create function larder_start_batch(p_ids uuid[], p_worker text) returns setof task language plpgsql
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
declare
  v_task task;
  v_waiting uuid[] := '{}';
begin
  -- Read by key only, with the lock an update takes anyway (it lets dispatches of their children
  -- through), in id order. A condition on state here would let the planner walk a partial index
  -- of every WAITING or RUNNING task instead (0006).
  for v_task in select * from task where id = any(p_ids) order by id for no key update loop
    if v_task.state in ('RUNNING', 'CANCELING') and v_task.worker = p_worker then
      return next v_task;
    elsif v_task.state = 'WAITING' then
      v_waiting := v_waiting || v_task.id;
    end if;
  end loop;
  return query
    update task set state = 'RUNNING', started_at = larder_now(), updated_at = larder_now(), worker = p_worker
    where id in (select larder_unblocked(v_waiting))
    returning *;
end
$body$;
`);
    this.addSql(`
-- Settles in one transaction: p_settles is [{idx, id, from, state, error, created?, progress?}];
-- each task moves to its state if it is in one of "from" (of several inputs for one task, the
-- first that matches) and its reservations are released; then (a new statement, which sees every
-- release) the tasks that head the queues released are looked up. Returns
-- {settled: [{idx, task}] for each input that settled, woken: [task id]}.
create function larder_settle_batch(p_settles jsonb) returns jsonb language plpgsql
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
declare
  v_ids uuid[] := array(select distinct (s->>'id')::uuid from jsonb_array_elements(p_settles) s);
  v_settled jsonb;
  v_exclusive text[];
  v_shared text[];
begin
  perform larder_lock_resources(array(
    select unnest(t.exclusive_resources || t.shared_resources) from task t where t.id = any(v_ids)));
  perform 1 from task where id = any(v_ids) order by id for no key update;
  with input as (
    select * from jsonb_to_recordset(p_settles)
      as s(idx bigint, id uuid, "from" text[], state text, error jsonb, created text[], progress jsonb)),
  chosen as (
    select distinct on (i.id) i.* from input i join task t on t.id = i.id and t.state = any(i."from")
    order by i.id, i.idx),
  updated as (
    update task t set state = c.state, finished_at = larder_now(), updated_at = larder_now(), error = c.error,
                      created_resources = coalesce(c.created, t.created_resources),
                      progress_reports = coalesce(c.progress, t.progress_reports)
    from chosen c where t.id = c.id
    returning c.idx, t.*),
  released as (
    delete from task_reservation r using updated u
    where r.task_id = u.id and r.resource = any(u.exclusive_resources || u.shared_resources))
  select coalesce(jsonb_agg(jsonb_build_object('idx', u.idx, 'task', to_jsonb(u) - 'idx')), '[]'),
         array(select unnest(u2.exclusive_resources) from updated u2),
         array(select unnest(u2.shared_resources) from updated u2)
  into v_settled, v_exclusive, v_shared
  from updated u;
  return jsonb_build_object('settled', v_settled,
                            'woken', to_jsonb(array(select larder_wake(v_exclusive, v_shared))));
end
$body$;
`);
    this.addSql(`
drop function larder_dispatch_many(jsonb);
drop function larder_dispatch(uuid, text, jsonb, text[], text[], uuid, uuid, timestamptz);
drop function larder_start_many(uuid[], text);
drop function larder_start(uuid, text);
drop function larder_settle_many(jsonb);
drop function larder_settle(uuid, text[], text, jsonb, text[], jsonb);
drop function larder_finish(uuid, text[], text, jsonb, text[], jsonb);
`);
  }
}
