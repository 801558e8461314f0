// One timer and one queue for the rescans (and first scans) of every namespace a node
// agent follows; each namespace schedules through a lane of its own. Due jobs run one at
// a time and the event loop turns between two of them, so notifications keep being read.
// Fairness: among due jobs the cheapest lane (by its last job's run time) goes first, and
// a lane whose jobs are expensive waits SHARE_GAP times its last run time after it, so
// one namespace in a storm takes at most a fixed share of the loop however long its
// rescans get. No namespace has a timer or a thread of its own.

import type { ScheduleRescan } from "../watch/watcher.ts";

interface Job {
  lane: Lane;
  dueAt: number;
  run(): void;
}

interface Lane {
  lastRunMs: number;
  lastEndedAt: number;
}

/** After a job that ran for T ms, its lane's next job waits until SHARE_GAP × T later: a
 * lane busy without pause holds 1 / (1 + SHARE_GAP) of the loop. A namespace with a
 * 1 ms rescan waits 3 ms at most, well inside any coalescing window. */
const SHARE_GAP = 3;
/** libuv's timers tick in whole milliseconds and may fire a fraction early: a job due
 * within this much counts as due rather than costing another timer. */
const TIMER_GRAIN_MS = 1;

export class RescanScheduler {
  /** `worked` hears how long each job ran (the agent's memory settling counts it). */
  constructor(private readonly worked: (ms: number) => void = () => {}) {}

  private readonly jobs = new Set<Job>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDueAt = Infinity;
  /** A job has just run; the next is picked once the event loop has turned. */
  private yielding = false;
  private stopped = false;

  /** A lane for one namespace: its scheduling function, as NamespaceWatcher takes it. */
  lane(): ScheduleRescan {
    const lane: Lane = { lastRunMs: 0, lastEndedAt: -Infinity };
    return (dueAt, run) => this.add({ lane, dueAt, run });
  }

  stop(): void {
    this.stopped = true;
    this.jobs.clear();
    clearTimeout(this.timer);
  }

  private add(job: Job): () => void {
    if (this.stopped) return () => {};
    this.jobs.add(job);
    if (!this.yielding) this.armFor(startOf(job));
    return () => this.jobs.delete(job);
  }

  private armFor(startAt: number): void {
    if (startAt >= this.timerDueAt) return;
    clearTimeout(this.timer);
    this.timerDueAt = startAt;
    this.timer = setTimeout(() => this.runNext(), Math.max(0, startAt - performance.now()));
  }

  private runNext(): void {
    this.timer = undefined;
    this.timerDueAt = Infinity;
    const now = performance.now();
    const next = this.cheapestDue(now + TIMER_GRAIN_MS);
    if (!next) {
      this.armForEarliest();
      return;
    }
    this.jobs.delete(next);
    this.yielding = true;
    try {
      next.run();
    } finally {
      const ended = performance.now();
      next.lane.lastRunMs = ended - now;
      next.lane.lastEndedAt = ended;
      this.worked(next.lane.lastRunMs);
      setImmediate(() => {
        this.yielding = false;
        this.armForEarliest();
      });
    }
  }

  private cheapestDue(by: number): Job | undefined {
    let cheapest: Job | undefined;
    for (const job of this.jobs) {
      if (startOf(job) > by) continue;
      if (!cheapest || job.lane.lastRunMs < cheapest.lane.lastRunMs || (job.lane.lastRunMs === cheapest.lane.lastRunMs && job.dueAt < cheapest.dueAt)) cheapest = job;
    }
    return cheapest;
  }

  private armForEarliest(): void {
    if (this.stopped) return;
    let earliest = Infinity;
    for (const job of this.jobs) earliest = Math.min(earliest, startOf(job));
    if (earliest < Infinity) this.armFor(earliest);
  }
}

/** When a job may start: when it is due, and not before its lane's share allows. */
function startOf(job: Job): number {
  return Math.max(job.dueAt, job.lane.lastEndedAt + SHARE_GAP * job.lane.lastRunMs);
}
