// Runs the planned writes one by one and keeps account: what was applied, which write
// failed, and what was therefore not applied. A failure part-way never goes unreported.
// Unless told to behave exactly as the agent, a failure (or a stop asked for by a signal)
// is rolled back: each applied write undone in reverse, then what the apply deleted put back.

import { setImmediate } from "node:timers/promises";
import { NetlinkError } from "../netlink/socket.ts";
import { EXIT_KATA_ERROR } from "../exit-codes.ts";

export interface Step {
  /** What the write does, in words a user can check with `ip`. */
  description: string;
  run(): void;
  /** Reverses the write (absent for deletions: the namespace record restores those). */
  undo?: () => void;
}

/** A unit of work (one interface, route or neighbour) whose steps are worked out when it starts. */
export interface Unit {
  label: string;
  steps(): Step[] | Promise<Step[]>;
}

export interface ApplyReport {
  applied: string[];
  /** Left out on purpose, as the agent does (IPv6 addresses in a namespace without IPv6). */
  skipped: string[];
}

export interface RunOptions {
  /** Called after the applied steps were undone: puts back what was deleted. */
  rollback?: () => { restored: string[]; failed: string[] };
  /** Aborted: stop before the next write (and roll back). */
  signal?: AbortSignal;
}

/** The kernel refused a write part-way (or a signal stopped the apply): `applied` were
 * written; with a rollback, `undone` were then reversed and `undoFailed` could not be. */
export class ApplyError extends Error {
  override name = "ApplyError";
  readonly exitCode = EXIT_KATA_ERROR;
  constructor(
    readonly applied: string[],
    readonly failed: { step: string; error: string },
    readonly notApplied: string[],
    readonly cause: unknown,
    readonly undone: string[] | undefined = undefined,
    readonly undoFailed: string[] = [],
  ) {
    super(`${failed.step}: ${failed.error}`);
  }
}

/** Writes run back to back for at most this long before signals get a chance to be seen. */
const SLICE_MS = 20;

export async function runUnits(units: readonly Unit[], report: ApplyReport, options: RunOptions = {}): Promise<ApplyReport> {
  const done: Step[] = [];
  let sliceStart = performance.now();
  for (let u = 0; u < units.length; u++) {
    let steps: Step[] = [];
    let s = 0;
    try {
      steps = await units[u].steps();
      for (; s < steps.length; s++) {
        if (performance.now() - sliceStart > SLICE_MS) {
          await setImmediate();
          sliceStart = performance.now();
        }
        if (options.signal?.aborted) throw new Stopped();
        steps[s].run();
        done.push(steps[s]);
        report.applied.push(steps[s].description);
      }
      if (options.signal?.aborted && u + 1 < units.length) throw new Stopped();
    } catch (error) {
      const failedStep = steps[s]?.description ?? (error instanceof Stopped ? units[u + 1]?.label ?? units[u].label : `${units[u].label}: looking up its link`);
      const notApplied = [...steps.slice(s + 1).map((step) => step.description), ...units.slice(u + 1).map((unit) => unit.label)];
      const { undone, undoFailed } = options.rollback ? rollBack(done, options.rollback) : { undone: undefined, undoFailed: [] };
      throw new ApplyError(report.applied, { step: failedStep, error: describe(error) }, notApplied, error, undone, undoFailed);
    }
  }
  return report;
}

/** Undoes `done` newest first, then restores; a failing undo is reported, not fatal. */
function rollBack(done: readonly Step[], restore: NonNullable<RunOptions["rollback"]>): { undone: string[]; undoFailed: string[] } {
  const undone: string[] = [];
  const undoFailed: string[] = [];
  for (const step of [...done].reverse()) {
    if (!step.undo) continue;
    try {
      step.undo();
      undone.push(step.description);
    } catch (error) {
      undoFailed.push(`${step.description}: ${describe(error)}`);
    }
  }
  const { restored, failed } = restore();
  return { undone: [...undone, ...restored], undoFailed: [...undoFailed, ...failed] };
}

/** A signal asked the apply to stop before its next write. */
class Stopped extends Error {
  constructor() {
    super("stopped by a signal before this write");
  }
}

function describe(error: unknown): string {
  if (error instanceof NetlinkError) return `${error.code} (${error.description})${error.extAck ? `: ${error.extAck}` : ""}`;
  return error instanceof Error ? error.message : String(error);
}
