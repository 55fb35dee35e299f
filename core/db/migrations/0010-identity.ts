import { Migration } from '@mikro-orm/migrations';

/**
 * Who may do what: users, groups, API tokens and role assignments; who dispatched each task (and
 * the permission that dispatch needed, which cancelling it needs again); who made each upload.
 */
export class Identity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table "user_account" (
  "id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
  "username" text not null, "display_name" text null, "password_hash" text not null,
  "is_admin" boolean not null default false, "last_login_at" timestamptz null,
  constraint "user_account_pkey" primary key ("id"));
alter table "user_account" add constraint "user_account_username_unique" unique ("username");

create table "user_group" (
  "id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" text not null,
  constraint "user_group_pkey" primary key ("id"));
alter table "user_group" add constraint "user_group_name_unique" unique ("name");

create table "group_member" (
  "group_id" uuid not null, "user_id" uuid not null,
  constraint "group_member_pkey" primary key ("group_id", "user_id"),
  constraint "group_member_group_id_foreign" foreign key ("group_id") references "user_group" ("id") on update cascade on delete cascade,
  constraint "group_member_user_id_foreign" foreign key ("user_id") references "user_account" ("id") on update cascade on delete cascade);

create table "api_token" (
  "id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
  "user_id" uuid not null,
  "name" text not null, "secret_digest" text not null, "expires_at" timestamptz null, "last_used_at" timestamptz null,
  constraint "api_token_pkey" primary key ("id"),
  constraint "api_token_user_id_foreign" foreign key ("user_id") references "user_account" ("id") on update cascade on delete cascade);
alter table "api_token" add constraint "api_token_secret_digest_unique" unique ("secret_digest");
create index "api_token_user_id_index" on "api_token" ("user_id");

create table "role_assignment" (
  "id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
  "role" text check ("role" in ('viewer', 'contributor', 'owner')) not null,
  "user_id" uuid null, "group_id" uuid null, "object_id" uuid null, "object_kind" text null,
  constraint "role_assignment_pkey" primary key ("id"),
  constraint "role_assignment_user_id_foreign" foreign key ("user_id") references "user_account" ("id") on update cascade on delete cascade,
  constraint "role_assignment_group_id_foreign" foreign key ("group_id") references "user_group" ("id") on update cascade on delete cascade,
  constraint "role_assignment_one_holder" check (("user_id" is null) <> ("group_id" is null)));
create index "role_assignment_user_id_object_id_index" on "role_assignment" ("user_id", "object_id");
create index "role_assignment_group_id_object_id_index" on "role_assignment" ("group_id", "object_id");
create index "role_assignment_object_id_index" on "role_assignment" ("object_id");
-- One row per role, holder and object; nulls (a global role) count as equal.
create unique index "role_assignment_unique" on "role_assignment" ("role", "user_id", "group_id", "object_id") nulls not distinct;

alter table "task" add column "user_id" uuid null, add column "permission" text null;
create index "task_user_id_index" on "task" ("user_id");
alter table "upload" add column "user_id" uuid null;
`);
    this.addSql(`
-- 0009's dispatch, recording who dispatched each task and the permission the dispatch needed.
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
           (t->>'parent')::uuid parent, (t->>'group')::uuid grp, (t->>'createdAt')::timestamptz created_at, v_seqs[n] seq,
           (t->>'user')::uuid user_id, t->>'permission' permission
    from jsonb_array_elements(p_tasks) with ordinality a(t, n)),
  inserted as (
    insert into task (id, created_at, updated_at, seq, name, state, args, exclusive_resources, shared_resources,
                      progress_reports, created_resources, parent_task_id, task_group_id, user_id, permission)
    select id, created_at, larder_now(), seq, name, 'WAITING', args, exclusive_resources, shared_resources, '[]', '{}', parent, grp,
           user_id, permission
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
  }
}
