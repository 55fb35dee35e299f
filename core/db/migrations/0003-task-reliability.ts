import { Migration } from '@mikro-orm/migrations';

/**
 * What keeps tasks trustworthy when processes, Redis or the network fail (see 0002 for the
 * reservation rules, which stay as they are):
 *
 * - `larder_settle` replaces finish-then-wake: it takes the same advisory locks as dispatch, so a
 *   task dispatched while a blocker settles is either seen as unblocked by its own dispatch or
 *   woken by the settle; and it returns the woken tasks in the same round trip.
 * - `larder_start` lets a worker resume a task it started when the answer to that start was lost
 *   (a connection cut after the commit); any other start stays conditional on WAITING.
 * - A dead worker's tasks are claimed by whichever process reaps first (`reaped_at` is the claim,
 *   renewed only after a TTL, so a reaper that dies mid-way is replaced).
 * - Task groups that are closed (`all_tasks_dispatched`) refuse new tasks; dispatch holds the
 *   group row FOR SHARE, so closing a group waits for dispatches in flight.
 * - Leases let one process at a time run periodic work without a singleton.
 */
export class TaskReliability extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table "task" add column "reaped_at" timestamptz null;
create index "task_waiting_seq_index" on "task" ("seq") where "state" = 'WAITING';
create index "task_unfinished_worker_index" on "task" ("worker") where "state" in ('RUNNING', 'CANCELING');

create table "larder_lease" ("name" text not null, "holder" text not null, "expires_at" timestamptz not null,
  constraint "larder_lease_pkey" primary key ("name"));
`);
    this.addSql(`
create function larder_lock_resources(p_resources text[]) returns void language plpgsql as $body$
declare
  v_key bigint;
begin
  -- One global order (the key), so two transactions locking overlapping sets never deadlock.
  for v_key in select distinct hashtextextended(r, 0) from unnest(p_resources) r order by 1 loop
    perform pg_advisory_xact_lock(v_key);
  end loop;
end
$body$;
`);
    this.addSql(`
-- True when an unfinished task dispatched before p_seq holds one of these resources in a
-- conflicting mode. One probe per resource, each an index range scan on (resource, seq): PL/pgSQL
-- caches generic plans, and a join against unnest() would get a hash join over the whole table
-- when the planner has no statistics yet (a fresh database) or guesses the array's length wrong.
create function larder_conflicts(p_exclusive text[], p_shared text[], p_seq bigint) returns boolean
language plpgsql stable as $body$
declare
  v_resource text;
begin
  foreach v_resource in array p_exclusive loop
    if exists (select 1 from task_reservation where resource = v_resource and seq < p_seq) then
      return true;
    end if;
  end loop;
  foreach v_resource in array p_shared loop
    if exists (select 1 from task_reservation where resource = v_resource and seq < p_seq and exclusive) then
      return true;
    end if;
  end loop;
  return false;
end
$body$;

-- Replaced by larder_conflicts everywhere it was called.
drop function larder_is_blocked(uuid, bigint);
`);
    this.addSql(`
create or replace function larder_dispatch(p_id uuid, p_name text, p_args jsonb, p_exclusive text[], p_shared text[],
                                           p_parent uuid, p_group uuid, p_now timestamptz)
returns boolean language plpgsql as $body$
declare
  v_seq bigint;
  v_closed boolean;
begin
  if p_group is not null then
    select all_tasks_dispatched into v_closed from task_group where id = p_group for share;
    if not found then
      raise exception 'task group % does not exist', p_group using errcode = 'LG404', detail = p_group::text;
    end if;
    if v_closed then
      raise exception 'task group % accepts no more tasks', p_group using errcode = 'LG409', detail = p_group::text;
    end if;
  end if;
  perform larder_lock_resources(p_exclusive || p_shared);
  v_seq := nextval('task_seq');
  insert into task (id, created_at, updated_at, seq, name, state, args, exclusive_resources, shared_resources,
                    progress_reports, created_resources, parent_task_id, task_group_id)
  values (p_id, p_now, p_now, v_seq, p_name, 'WAITING', p_args, p_exclusive, p_shared, '[]', '{}', p_parent, p_group);
  insert into task_reservation (task_id, resource, exclusive, seq)
    select p_id, r, true, v_seq from unnest(p_exclusive) r
    union all
    select p_id, r, false, v_seq from unnest(p_shared) r;
  return not larder_conflicts(p_exclusive, p_shared, v_seq);
end
$body$;
`);
    this.addSql(`
-- Many tasks in one transaction, in the order given; returns the ids of those nothing blocks.
-- Every resource of the batch is locked first, in the one global order: locking task by task
-- could deadlock with another batch.
create function larder_dispatch_many(p_tasks jsonb) returns setof uuid language plpgsql as $body$
declare
  v_task jsonb;
begin
  perform larder_lock_resources(array(
    select jsonb_array_elements_text(t->'exclusive') from jsonb_array_elements(p_tasks) t
    union all
    select jsonb_array_elements_text(t->'shared') from jsonb_array_elements(p_tasks) t));
  for v_task in select value from jsonb_array_elements(p_tasks) with ordinality order by ordinality loop
    if larder_dispatch((v_task->>'id')::uuid, v_task->>'name', v_task->'args',
                       array(select jsonb_array_elements_text(v_task->'exclusive')),
                       array(select jsonb_array_elements_text(v_task->'shared')),
                       (v_task->>'parent')::uuid, (v_task->>'group')::uuid, (v_task->>'createdAt')::timestamptz) then
      return next (v_task->>'id')::uuid;
    end if;
  end loop;
end
$body$;
`);
    this.addSql(`
create or replace function larder_start(p_id uuid, p_worker text) returns setof task language plpgsql as $body$
declare
  v_task task;
begin
  select * into v_task from task where id = p_id;
  if not found then
    return;
  end if;
  if v_task.state in ('RUNNING', 'CANCELING') and v_task.worker = p_worker then
    return next v_task;
    return;
  end if;
  if v_task.state <> 'WAITING' or larder_conflicts(v_task.exclusive_resources, v_task.shared_resources, v_task.seq) then
    return;
  end if;
  return query
    update task set state = 'RUNNING', started_at = larder_now(), updated_at = larder_now(), worker = p_worker
    where id = p_id and state = 'WAITING'
    returning *;
end
$body$;
`);
    this.addSql(`
-- The rule of 0002, walking each queue by the (resource, seq) index and looking each task up by
-- its key, so no plan ever joins whole tables.
create or replace function larder_wake(p_exclusive text[], p_shared text[]) returns setof uuid language plpgsql stable as $body$
declare
  v_resource text;
  v_row record;
  v_first boolean;
  v_waiting boolean;
begin
  foreach v_resource in array (p_exclusive || p_shared) loop
    v_first := true;
    for v_row in select task_id, exclusive from task_reservation where resource = v_resource order by seq loop
      select state = 'WAITING' into v_waiting from task where id = v_row.task_id;
      if v_row.exclusive then
        if v_first and v_waiting then
          return next v_row.task_id;
        end if;
        exit;
      end if;
      -- Only an exclusive holder leaving opens a run of shared waiters; a shared one leaving
      -- changes nothing for the other shared ones.
      exit when not (v_resource = any(p_exclusive));
      v_first := false;
      if v_waiting then
        return next v_row.task_id;
      end if;
    end loop;
  end loop;
end
$body$;
`);
    this.addSql(`
create function larder_settle(p_id uuid, p_from text[], p_state text, p_error jsonb, p_created text[], p_progress jsonb)
returns table (settled jsonb, woken uuid[]) language plpgsql as $body$
declare
  v_task task;
begin
  select * into v_task from task t where t.id = p_id and t.state = any(p_from);
  if not found then
    return;
  end if;
  perform larder_lock_resources(v_task.exclusive_resources || v_task.shared_resources);
  update task t set state = p_state, finished_at = larder_now(), updated_at = larder_now(), error = p_error,
                    created_resources = coalesce(p_created, t.created_resources),
                    progress_reports = coalesce(p_progress, t.progress_reports)
  where t.id = p_id and t.state = any(p_from)
  returning * into v_task;
  if not found then
    return;
  end if;
  -- By the whole primary key, so it is an index lookup however stale the statistics.
  delete from task_reservation
  where task_id = p_id and resource = any(v_task.exclusive_resources || v_task.shared_resources);
  -- A new statement, so larder_wake sees the reservations just released.
  return query select to_jsonb(v_task),
    array(select larder_wake(v_task.exclusive_resources, v_task.shared_resources));
end
$body$;
`);
    this.addSql(`
-- A worker's starts in one transaction (one commit). In id order, so two batches that share a
-- task (duplicate wake-ups) lock its row in the same order and cannot deadlock.
create function larder_start_many(p_ids uuid[], p_worker text) returns setof task language plpgsql as $body$
declare
  v_id uuid;
begin
  for v_id in select distinct id from unnest(p_ids) id order by id loop
    return query select * from larder_start(v_id, p_worker);
  end loop;
end
$body$;

-- Settles in one transaction: the resources of every task first, in the global order (as
-- dispatch does), then each task in id order. Each task's wake runs after the releases before
-- it, so the last one sees them all. p_settles: [{id, from, state, error, created?, progress?}];
-- each row returned says which element (1-based) it settled.
create function larder_settle_many(p_settles jsonb) returns table (idx bigint, settled jsonb, woken uuid[])
language plpgsql as $body$
declare
  v_settle jsonb;
  v_idx bigint;
begin
  perform larder_lock_resources(array(
    select unnest(t.exclusive_resources || t.shared_resources) from task t
    where t.id in (select (s->>'id')::uuid from jsonb_array_elements(p_settles) s)));
  for v_settle, v_idx in
    select value, ordinality from jsonb_array_elements(p_settles) with ordinality order by value->>'id', ordinality
  loop
    return query select v_idx, s.settled, s.woken from larder_settle(
      (v_settle->>'id')::uuid, array(select jsonb_array_elements_text(v_settle->'from')), v_settle->>'state',
      nullif(v_settle->'error', 'null'::jsonb),
      case when v_settle ? 'created' then array(select jsonb_array_elements_text(v_settle->'created')) end,
      nullif(v_settle->'progress', 'null'::jsonb)) s;
  end loop;
end
$body$;
`);
    this.addSql(`
-- Records a heartbeat; returns this worker's tasks that were asked to stop (CANCELING), and those
-- of p_running that are no longer its own (a reaper took them while it was out of touch).
create function larder_heartbeat(p_name text, p_hostname text, p_pid integer, p_started timestamptz, p_running uuid[])
returns table (task_id uuid, reason text) language plpgsql as $body$
begin
  insert into worker (name, hostname, pid, started_at, last_heartbeat) values (p_name, p_hostname, p_pid, p_started, larder_now())
  on conflict (name) do update set last_heartbeat = larder_now();
  return query
    select t.id, 'CANCEL'::text from task t where t.worker = p_name and t.state = 'CANCELING'
    union all
    select r.id, 'LOST'::text from unnest(p_running) r(id)
    where not exists (select 1 from task t where t.id = r.id and t.worker = p_name and t.state in ('RUNNING', 'CANCELING'));
end
$body$;
`);
    this.addSql(`
-- Claims the unfinished tasks of workers whose heartbeat is older than the TTL. Concurrent reapers
-- re-check the row after waiting for its lock, so each task is claimed by one of them; a claim
-- older than the TTL (its reaper died) can be taken again. Also forgets long-dead workers.
create function larder_reap(p_ttl_ms integer) returns setof task language plpgsql as $body$
declare
  v_ttl interval := make_interval(secs => p_ttl_ms / 1000.0);
begin
  delete from worker where last_heartbeat < larder_now() - greatest(v_ttl * 10, interval '1 hour');
  return query
    update task t set reaped_at = larder_now()
    where t.state in ('RUNNING', 'CANCELING')
      and (t.reaped_at is null or t.reaped_at < larder_now() - v_ttl)
      and not exists (select 1 from worker w where w.name = t.worker and w.last_heartbeat >= larder_now() - v_ttl)
    returning t.*;
end
$body$;
`);
    this.addSql(`
-- True when p_holder now holds the lease p_name for p_ms: it was free or had expired.
create function larder_take_lease(p_name text, p_holder text, p_ms integer) returns boolean language sql as $body$
  insert into larder_lease (name, holder, expires_at) values (p_name, p_holder, larder_now() + make_interval(secs => p_ms / 1000.0))
  on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
    where larder_lease.expires_at <= larder_now()
  returning true
$body$;
`);
  }
}
