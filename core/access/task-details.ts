import type { Task, TaskError } from '../db/entities/task.js';
import { ROLES_REFRESH_MS, showsResource, type HeldResources } from './held-resources.js';

/** An error's description, for a caller who may not see every object the task used. */
const WITHHELD = 'Withheld: the task used objects you may not see, which this description may tell of; the code says what went wrong';

/**
 * A task as one caller sees it, once visibility (core/access/visibility.ts) lets them see it at
 * all, which one object it reserves suffices for. Its dispatcher sees it whole, as does whoever
 * may see every object it reserves. Anyone else is not shown what names or tells of the others:
 * their names among its reservations, and its error's description, which the task writes and
 * which may tell of any object it used (a remote's URL).
 */
export class TaskDetails {
  private held: Promise<HeldResources> | null = null;
  private readAt = 0;

  /**
   * `held` is read only for a task of someone else's, once per request, and again when a live
   * stream's read is older than ROLES_REFRESH_MS.
   */
  constructor(private readonly userId: string | null, private readonly readHeld: () => Promise<HeldResources>) {}

  private async shows(task: Task): Promise<(name: string) => boolean> {
    if (this.userId !== null && task.userId === this.userId) return () => true;
    if (!this.held || performance.now() - this.readAt > ROLES_REFRESH_MS) {
      this.readAt = performance.now();
      this.held = this.readHeld();
    }
    const held = await this.held;
    return (name) => showsResource(held, name);
  }

  async resources(task: Task, names: readonly string[]): Promise<string[]> {
    return names.filter(await this.shows(task));
  }

  async error(task: Task): Promise<TaskError | null> {
    if (!task.error) return null;
    const whole = [...task.exclusiveResources, ...task.sharedResources].every(await this.shows(task));
    return whole ? task.error : { code: task.error.code ?? null, description: WITHHELD };
  }
}
