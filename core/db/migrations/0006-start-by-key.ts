import { Migration } from '@mikro-orm/migrations';

/**
 * `larder_start` found its row by key and then updated it `where id = … and state = 'WAITING'`.
 * That condition matches the partial index of WAITING tasks (0003) exactly, and PL/pgSQL keeps a
 * generic plan per connection: planned on a fresh or unanalysed table, the update walked the
 * whole partial index and filtered by id, so each start read every WAITING task (measured: about
 * 1,100 index entries per start with 1,000 tasks waiting, most of PostgreSQL's time in the task
 * benchmark). Now the row is locked when it is read (the lock the update takes anyway, which
 * lets dispatches of its children through) and the update names the key only, so no plan can
 * go through another index. The rules are those of 0003.
 */
export class StartByKey extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create or replace function larder_start(p_id uuid, p_worker text) returns setof task language plpgsql as $body$
declare
  v_task task;
begin
  select * into v_task from task where id = p_id for no key update;
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
    where id = p_id
    returning *;
end
$body$;
`);
  }
}
