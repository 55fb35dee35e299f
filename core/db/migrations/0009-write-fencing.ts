import { Migration } from '@mikro-orm/migrations';

/**
 * Write fencing: once a task run has lost its reservations (its cancel grace ran out, its worker
 * was reaped as dead while perhaps only frozen or cut off, its worker shut down), nothing it still
 * tries to write takes effect. See core/db/write-fence.ts for how a run's statements carry its
 * fence token (`<task id>/<worker>`, in the transaction's `larder.fence` setting).
 *
 * - Every table but the tasking system's own has a statement trigger that holds the writer's
 *   fence, shared, for the rest of its transaction, and refuses the write (LF409) if the run no
 *   longer holds its reservations. Tables made later (plugins', test support) get the trigger
 *   from `larder_install_fences()`, which every process runs at start.
 * - Taking a run's fence exclusively (settling, fencing, reaping) therefore waits until none of
 *   its writes is in flight; fencing and reaping end the transactions that hold it (the body is
 *   being stopped, or its worker is declared dead), so they never wait on a frozen process.
 * - A fenced run is marked `fenced_at`; its heartbeat then reports it lost, its dispatches of
 *   child tasks are refused, and a duplicate wake-up does not hand it to its worker again.
 *
 * Fences are advisory locks with two int4 keys, made from the random tail of the task's uuid:
 * Larder's other advisory locks use one bigint key, a separate space.
 *
 * Lock order, extending 0007's: resource locks (dispatch, settle), then fences in key order
 * (dispatch and writes shared; settle, fence and reap exclusive), then task rows in id order.
 *
 * Also here: a WAITING task's `updated_at` comes from the database's clock (the sweep compares it
 * with that clock), and a worker's heartbeat names the tasks PostgreSQL says it runs that it did
 * not list (STRAY), so it can fail what it lost track of.
 */
export class WriteFencing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table "task" add column "fenced_at" timestamptz null;

create function larder_fence_keys(p_task uuid, out k1 integer, out k2 integer) language sql immutable as $body$
  select ('x' || substr(h, 17, 8))::bit(32)::integer, ('x' || substr(h, 25, 8))::bit(32)::integer
  from replace(p_task::text, '-', '') h
$body$;
`);
    this.addSql(`
-- Holds the fence of this task run (shared, until the transaction ends) if the run still holds
-- its reservations; refuses otherwise. Read committed takes a new snapshot per statement, so the
-- check sees any fence taken before the lock was granted; stricter isolation locks the row instead.
create function larder_fence_hold_run(p_task uuid, p_worker text) returns void language plpgsql volatile as $body$
begin
  perform pg_advisory_xact_lock_shared(k.k1, k.k2) from larder_fence_keys(p_task) k;
  if current_setting('transaction_isolation') = 'read committed' then
    perform 1 from task where id = p_task and worker = p_worker and state in ('RUNNING', 'CANCELING') and fenced_at is null;
  else
    perform 1 from task where id = p_task and worker = p_worker and state in ('RUNNING', 'CANCELING') and fenced_at is null
    for share;
  end if;
  if not found then
    raise exception 'task % no longer holds its reservations: its writes are refused', p_task
      using errcode = 'LF409', detail = p_task::text;
  end if;
end
$body$;

-- The fence of the run this transaction writes for (larder.fence), once per transaction.
create function larder_fence_hold() returns void language plpgsql volatile as $body$
declare
  v_fence text := current_setting('larder.fence', true);
begin
  if coalesce(v_fence, '') = '' or current_setting('larder.fence_held', true) = v_fence then
    return;
  end if;
  perform larder_fence_hold_run(split_part(v_fence, '/', 1)::uuid, substr(v_fence, strpos(v_fence, '/') + 1));
  perform set_config('larder.fence_held', v_fence, true);
end
$body$;

create function larder_fence_check() returns trigger language plpgsql as $body$
begin
  perform larder_fence_hold();
  return null;
end
$body$;

-- Gives every table of the schema that lacks it the fence trigger, but the tasking system's own.
create function larder_install_fences() returns integer language plpgsql as $body$
declare
  v_table regclass;
  v_count integer := 0;
begin
  perform pg_advisory_xact_lock(hashtextextended('larder_install_fences', 0));
  for v_table in
    select c.oid::regclass from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname not in ('task', 'task_reservation', 'worker', 'larder_lease', 'larder_migrations')
      and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'larder_fence')
    order by c.relname
  loop
    execute format('create trigger larder_fence before insert or update or delete or truncate on %s '
                   'for each statement execute function larder_fence_check()', v_table);
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$body$;
`);
    this.addSql(`
-- Takes these runs' fences exclusively, in key order, waiting for writes in flight.
create function larder_fence_wait(p_ids uuid[]) returns void language plpgsql as $body$
declare
  v_key record;
begin
  for v_key in select distinct k.k1, k.k2 from unnest(p_ids) i, larder_fence_keys(i) k order by 1, 2 loop
    perform pg_advisory_xact_lock(v_key.k1, v_key.k2);
  end loop;
end
$body$;

-- Takes these runs' fences exclusively, in key order, ending the sessions that hold one shared:
-- their transactions are writes of a run being stopped or declared dead, and may never end alone
-- (a frozen process). Another exclusive holder (a settle, a reaper) is waited for.
create function larder_fence_take(p_ids uuid[]) returns void language plpgsql as $body$
declare
  v_key record;
begin
  for v_key in select distinct k.k1, k.k2 from unnest(p_ids) i, larder_fence_keys(i) k order by 1, 2 loop
    while not pg_try_advisory_xact_lock(v_key.k1, v_key.k2) loop
      perform pg_terminate_backend(l.pid) from pg_locks l
      where l.locktype = 'advisory' and l.objsubid = 2 and l.mode = 'ShareLock' and l.granted
        and l.database = (select oid from pg_database where datname = current_database()) and l.pid <> pg_backend_pid()
        and l.classid = (v_key.k1::bigint & 4294967295)::oid and l.objid = (v_key.k2::bigint & 4294967295)::oid;
      perform pg_sleep(0.01);
    end loop;
  end loop;
end
$body$;

-- Revokes these runs' right to write; returns those it fenced (running, not fenced before).
create function larder_fence(p_ids uuid[]) returns setof uuid language plpgsql as $body$
begin
  perform larder_fence_take(p_ids);
  return query
    update task set fenced_at = larder_now()
    where id = any(p_ids) and state in ('RUNNING', 'CANCELING') and fenced_at is null
    returning id;
end
$body$;
`);
    this.addSql(`
-- 0007's dispatch, and: updated_at by the database's clock; a child dispatched by a run ("fence":
-- "<task>/<worker>") only while that run holds its reservations.
create or replace function larder_dispatch_batch(p_tasks jsonb) returns setof uuid language plpgsql
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
declare
  v_group uuid;
  v_closed boolean;
  v_fence text;
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
  for v_fence in
    select f from (select distinct t->>'fence' f from jsonb_array_elements(p_tasks) t where t->>'fence' is not null) fences
    order by (larder_fence_keys(split_part(f, '/', 1)::uuid)).k1, (larder_fence_keys(split_part(f, '/', 1)::uuid)).k2
  loop
    perform larder_fence_hold_run(split_part(v_fence, '/', 1)::uuid, substr(v_fence, strpos(v_fence, '/') + 1));
  end loop;
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
    select id, created_at, larder_now(), seq, name, 'WAITING', args, exclusive_resources, shared_resources, '[]', '{}', parent, grp
    from input
    returning id),
  reserved as (
    insert into task_reservation (task_id, resource, exclusive, seq)
    select id, r, true, seq from input, unnest(exclusive_resources) r
    union all
    select id, r, false, seq from input, unnest(shared_resources) r)
  select array_agg(id) into v_ids from inserted;
  return query select larder_unblocked(v_ids);
end
$body$;
`);
    this.addSql(`
-- 0007's start, but a fenced run is never handed back to its worker.
create or replace function larder_start_batch(p_ids uuid[], p_worker text) returns setof task language plpgsql
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
declare
  v_task task;
  v_waiting uuid[] := '{}';
begin
  for v_task in select * from task where id = any(p_ids) order by id for no key update loop
    if v_task.state in ('RUNNING', 'CANCELING') and v_task.worker = p_worker and v_task.fenced_at is null then
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
-- 0007's settle, and the fences of the tasks settled are taken (after the resource locks, before
-- the rows): a write of theirs in flight commits first, any later one is refused.
create or replace function larder_settle_batch(p_settles jsonb) returns jsonb language plpgsql
set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off as $body$
declare
  v_ids uuid[] := array(select distinct (s->>'id')::uuid from jsonb_array_elements(p_settles) s);
  v_settled jsonb;
  v_exclusive text[];
  v_shared text[];
begin
  perform larder_lock_resources(array(
    select unnest(t.exclusive_resources || t.shared_resources) from task t where t.id = any(v_ids)));
  perform larder_fence_wait(v_ids);
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
-- 0003's heartbeat, and: a fenced run is lost to its worker; and the tasks PostgreSQL says this
-- worker runs that it did not list come back as STRAY.
create or replace function larder_heartbeat(p_name text, p_hostname text, p_pid integer, p_started timestamptz, p_running uuid[])
returns table (task_id uuid, reason text) language plpgsql as $body$
begin
  insert into worker (name, hostname, pid, started_at, last_heartbeat) values (p_name, p_hostname, p_pid, p_started, larder_now())
  on conflict (name) do update set last_heartbeat = larder_now();
  return query
    select t.id, 'CANCEL'::text from task t where t.worker = p_name and t.state = 'CANCELING' and t.fenced_at is null
    union all
    select r.id, 'LOST'::text from unnest(p_running) r(id)
    where not exists (select 1 from task t where t.id = r.id and t.worker = p_name and t.state in ('RUNNING', 'CANCELING')
                      and t.fenced_at is null)
    union all
    select t.id, 'STRAY'::text from task t
    where t.worker = p_name and t.state in ('RUNNING', 'CANCELING') and t.fenced_at is null and not t.id = any(p_running);
end
$body$;
`);
    this.addSql(`
-- 0003's reap, and each task claimed is fenced first: its worker may be frozen or cut off rather
-- than dead, and must not write after its task is failed and cleaned up.
create or replace function larder_reap(p_ttl_ms integer) returns setof task language plpgsql as $body$
declare
  v_ttl interval := make_interval(secs => p_ttl_ms / 1000.0);
  v_ids uuid[];
begin
  delete from worker where last_heartbeat < larder_now() - greatest(v_ttl * 10, interval '1 hour');
  v_ids := array(
    select t.id from task t
    where t.state in ('RUNNING', 'CANCELING')
      and (t.reaped_at is null or t.reaped_at < larder_now() - v_ttl)
      and not exists (select 1 from worker w where w.name = t.worker and w.last_heartbeat >= larder_now() - v_ttl));
  if cardinality(v_ids) = 0 then
    return;
  end if;
  perform larder_fence_take(v_ids);
  return query
    update task t set reaped_at = larder_now(), fenced_at = coalesce(t.fenced_at, larder_now())
    where t.id = any(v_ids) and t.state in ('RUNNING', 'CANCELING')
      and (t.reaped_at is null or t.reaped_at < larder_now() - v_ttl)
      and not exists (select 1 from worker w where w.name = t.worker and w.last_heartbeat >= larder_now() - v_ttl)
    returning t.*;
end
$body$;

select larder_install_fences();
`);
  }
}
