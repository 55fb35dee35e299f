import { ProgressReport } from '../db/entities/task.js';
import { TaskState } from '../db/entities/task-state.js';

export interface ProgressStart {
  code: string;
  message: string;
  total?: number | null;
  suffix?: string | null;
}

export interface ProgressHandle {
  increment(by?: number): void;
  set(done: number, total?: number | null): void;
  /** Marks this step COMPLETED (or the given final state). */
  finish(state?: TaskState): void;
}

/**
 * A task's progress reports. Changes are saved and published at most once per `intervalMs`
 * (and always at the end), so a tight loop of increments costs no extra queries.
 */
export class ProgressTracker {
  readonly reports: ProgressReport[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastSave = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly save: (reports: ProgressReport[]) => Promise<void>, private readonly intervalMs = 250) {}

  start(start: ProgressStart): ProgressHandle {
    const report = Object.assign(new ProgressReport(), {
      code: start.code,
      message: start.message,
      state: TaskState.RUNNING,
      total: start.total ?? null,
      done: 0,
      suffix: start.suffix ?? null,
    });
    this.reports.push(report);
    this.changed();
    return {
      increment: (by = 1) => {
        report.done += by;
        this.changed();
      },
      set: (done, total) => {
        report.done = done;
        if (total !== undefined) report.total = total;
        this.changed();
      },
      finish: (state = TaskState.COMPLETED) => {
        report.state = state;
        this.changed();
      },
    };
  }

  /** Settles every open step with the task's outcome and waits for any save in flight. */
  async close(state: TaskState): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const report of this.reports) if (report.state === TaskState.RUNNING) report.state = state;
    await this.pending;
  }

  private changed(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastSave + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastSave = Date.now();
      this.pending = this.pending.then(() => this.save(this.reports.map((r) => ({ ...r }))));
    }, wait);
  }
}
