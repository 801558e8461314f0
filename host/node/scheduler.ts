// One timer and one queue for the rescans (and first scans) of every namespace a node
// agent follows. Due jobs run one at a time, the longest overdue first, and the event loop
// turns between two of them: a namespace whose rescans are expensive (a route storm)
// delays another's change by at most one of its rescans, and notifications keep being
// read meanwhile. No namespace has a timer or a thread of its own.

import type { ScheduleRescan } from "../watch/watcher.ts";

interface Job {
  dueAt: number;
  run(): void;
}

/** libuv's timers tick in whole milliseconds and may fire a fraction early: a job due
 * within this much counts as due rather than costing another timer. */
const TIMER_GRAIN_MS = 1;

export class RescanScheduler {
  private readonly jobs = new Set<Job>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDueAt = Infinity;
  /** A job has just run; the next is picked once the event loop has turned. */
  private yielding = false;
  private stopped = false;

  /** Runs `run` at `dueAt` (performance.now() time) unless the returned function cancels it. */
  readonly schedule: ScheduleRescan = (dueAt, run) => {
    if (this.stopped) return () => {};
    const job: Job = { dueAt, run };
    this.jobs.add(job);
    if (!this.yielding) this.armFor(dueAt);
    return () => this.jobs.delete(job);
  };

  stop(): void {
    this.stopped = true;
    this.jobs.clear();
    clearTimeout(this.timer);
  }

  private armFor(dueAt: number): void {
    if (dueAt >= this.timerDueAt) return;
    clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => this.runNext(), Math.max(0, dueAt - performance.now()));
  }

  private runNext(): void {
    this.timer = undefined;
    this.timerDueAt = Infinity;
    const next = this.earliest();
    if (!next) return;
    if (next.dueAt > performance.now() + TIMER_GRAIN_MS) {
      this.armFor(next.dueAt);
      return;
    }
    this.jobs.delete(next);
    this.yielding = true;
    try {
      next.run();
    } finally {
      setImmediate(() => {
        this.yielding = false;
        const following = this.earliest();
        if (following && !this.stopped) this.armFor(following.dueAt);
      });
    }
  }

  private earliest(): Job | undefined {
    let earliest: Job | undefined;
    for (const job of this.jobs) if (!earliest || job.dueAt < earliest.dueAt) earliest = job;
    return earliest;
  }
}
