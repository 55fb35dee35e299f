import { Migration } from '@mikro-orm/migrations';

/**
 * Tasks and reservations. Every state change is one statement or one function call here, so
 * it is atomic and conditional on the state it expects; the rules are:
 *
 * - A task's reservations live in `task_reservation` from dispatch until it is final.
 * - A task may start when no reservation with a lower `seq` on one of its resources conflicts
 *   (either side exclusive). WAITING tasks count, so per resource tasks start in dispatch order
 *   and a shared request queued behind a waiting exclusive one waits too.
 * - Dispatch takes transaction-scoped advisory locks on its resources (in one global order, so
 *   never a deadlock) before drawing its `seq`: per resource, `seq` order is commit order, so a
 *   start check always sees every earlier conflicting task.
 * - After a task is final its releaser asks `larder_wake` which tasks now head the queues of
 *   the resources it held; those are enqueued and re-checked by `larder_start`. The last
 *   finisher's wake runs after every blocker committed, so no wake-up is lost.
 */
export class Tasking extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create sequence "task_seq";

create table "task" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "seq" bigint not null default nextval('task_seq'), "name" text not null, "state" text check ("state" in ('WAITING', 'SKIPPED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELING', 'CANCELED')) not null, "args" jsonb not null, "exclusive_resources" text[] not null, "shared_resources" text[] not null, "progress_reports" jsonb not null, "created_resources" text[] not null, "error" jsonb null, "worker" text null, "parent_task_id" uuid null, "task_group_id" uuid null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "task_pkey" primary key ("id"));
create index "task_finished_at_index" on "task" ("finished_at");
create index "task_task_group_id_index" on "task" ("task_group_id");
create index "task_parent_task_id_index" on "task" ("parent_task_id");
create index "task_state_index" on "task" ("state");
create index "task_created_at_index" on "task" ("created_at");
create index "task_exclusive_resources_index" on "task" using gin ("exclusive_resources");
create index "task_shared_resources_index" on "task" using gin ("shared_resources");
alter table "task" add constraint "task_parent_task_id_foreign" foreign key ("parent_task_id") references "task" ("id") on delete set null;
alter table "task" add constraint "task_task_group_id_foreign" foreign key ("task_group_id") references "task_group" ("id") on delete set null;

create table "task_reservation" (
  "task_id" uuid not null references "task" ("id") on delete cascade,
  "resource" text not null,
  "exclusive" boolean not null,
  "seq" bigint not null,
  constraint "task_reservation_pkey" primary key ("task_id", "resource"));
create index "task_reservation_resource_seq_index" on "task_reservation" ("resource", "seq");
create index "task_reservation_exclusive_index" on "task_reservation" ("resource", "seq") where "exclusive";
`);
    this.addSql(`
-- Milliseconds, as JavaScript and GraphQL's DateTime carry them, so that cursors over timestamps are exact.
create function larder_now() returns timestamptz language sql volatile as $body$
  select date_trunc('milliseconds', clock_timestamp())
$body$;
`);
    this.addSql(`
create function larder_is_blocked(p_id uuid, p_seq bigint) returns boolean language sql stable as $body$
  select exists (
      select 1 from task_reservation mine
      join task_reservation other on other.resource = mine.resource and other.seq < p_seq
      where mine.task_id = p_id and mine.exclusive)
    or exists (
      select 1 from task_reservation mine
      join task_reservation other on other.resource = mine.resource and other.seq < p_seq and other.exclusive
      where mine.task_id = p_id and not mine.exclusive)
$body$;
`);
    this.addSql(`
create function larder_dispatch(p_id uuid, p_name text, p_args jsonb, p_exclusive text[], p_shared text[],
                                p_parent uuid, p_group uuid, p_now timestamptz)
returns boolean language plpgsql as $body$
declare
  v_key bigint;
  v_seq bigint;
begin
  for v_key in select distinct hashtextextended(r, 0) from unnest(p_exclusive || p_shared) r order by 1 loop
    perform pg_advisory_xact_lock(v_key);
  end loop;
  v_seq := nextval('task_seq');
  insert into task (id, created_at, updated_at, seq, name, state, args, exclusive_resources, shared_resources,
                    progress_reports, created_resources, parent_task_id, task_group_id)
  values (p_id, p_now, p_now, v_seq, p_name, 'WAITING', p_args, p_exclusive, p_shared, '[]', '{}', p_parent, p_group);
  insert into task_reservation (task_id, resource, exclusive, seq)
    select p_id, r, true, v_seq from unnest(p_exclusive) r
    union all
    select p_id, r, false, v_seq from unnest(p_shared) r;
  return not larder_is_blocked(p_id, v_seq);
end
$body$;
`);
    this.addSql(`
create function larder_start(p_id uuid, p_worker text) returns setof task language plpgsql as $body$
declare
  v_seq bigint;
begin
  select seq into v_seq from task where id = p_id and state = 'WAITING';
  if not found or larder_is_blocked(p_id, v_seq) then
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
create function larder_finish(p_id uuid, p_from text[], p_state text, p_error jsonb, p_created text[], p_progress jsonb)
returns setof task language plpgsql as $body$
begin
  return query
    update task set state = p_state, finished_at = larder_now(), updated_at = larder_now(), error = p_error,
                    created_resources = coalesce(p_created, created_resources),
                    progress_reports = coalesce(p_progress, progress_reports)
    where id = p_id and state = any(p_from)
    returning *;
  if found then
    delete from task_reservation where task_id = p_id;
  end if;
end
$body$;
`);
    this.addSql(`
create function larder_wake(p_exclusive text[], p_shared text[]) returns setof uuid language plpgsql stable as $body$
declare
  v_resource text;
  v_row record;
  v_first boolean;
begin
  foreach v_resource in array (p_exclusive || p_shared) loop
    v_first := true;
    for v_row in
      select tr.task_id, tr.exclusive, t.state
      from task_reservation tr join task t on t.id = tr.task_id
      where tr.resource = v_resource
      order by tr.seq
    loop
      if v_row.exclusive then
        if v_first and v_row.state = 'WAITING' then
          return next v_row.task_id;
        end if;
        exit;
      end if;
      -- Only an exclusive holder leaving opens a run of shared waiters; a shared one leaving
      -- changes nothing for the other shared ones.
      exit when not (v_resource = any(p_exclusive));
      v_first := false;
      if v_row.state = 'WAITING' then
        return next v_row.task_id;
      end if;
    end loop;
  end loop;
end
$body$;
`);
  }
}
