import type { Task } from '../db/entities/task.js';
import type { WithEntityManager } from '../db/sql.js';
import type { Caller } from './caller.js';
import { heldResourcesOf, ROLES_REFRESH_MS } from './held-resources.js';

/**
 * Which task events a subscriber may see, decided in memory for each event from its dispatcher and
 * reservations, against the caller's roles as read at most ROLES_REFRESH_MS ago: the same rule as the
 * task list's SQL condition (core/access/visibility.ts), without a query per event.
 */
export class TaskVisibility {
  private everything = false;
  private resources: ReadonlySet<string> = new Set();
  private timer: NodeJS.Timeout | null = null;

  private constructor(private readonly db: WithEntityManager, private readonly caller: Caller) {}

  static async start(db: WithEntityManager, caller: Caller): Promise<TaskVisibility> {
    const visibility = new TaskVisibility(db, caller);
    if (caller.isAdmin) {
      visibility.everything = true;
      return visibility;
    }
    await visibility.refresh();
    visibility.timer = setInterval(() => visibility.refresh().catch(() => undefined), ROLES_REFRESH_MS).unref();
    return visibility;
  }

  private async refresh(): Promise<void> {
    const held = await heldResourcesOf(this.db, this.caller.userId);
    this.everything = held.everything;
    this.resources = held.resources;
  }

  accepts(task: Task): boolean {
    if (this.everything || task.userId === this.caller.userId) return true;
    return task.exclusiveResources.some((r) => this.resources.has(r)) || task.sharedResources.some((r) => this.resources.has(r));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
