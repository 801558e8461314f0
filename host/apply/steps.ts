// Runs the planned writes one by one and keeps account: what was applied, which write
// failed, and what was therefore not applied. A failure part-way never goes unreported.

import { NetlinkError } from "../netlink/socket.ts";
import { EXIT_KATA_ERROR } from "../exit-codes.ts";

export interface Step {
  /** What the write does, in words a user can check with `ip`. */
  description: string;
  run(): void;
}

/** A unit of work (one interface, route or neighbour) whose steps are worked out when it starts. */
export interface Unit {
  label: string;
  steps(): Step[];
}

export interface ApplyReport {
  applied: string[];
  /** Left out on purpose, as the agent does (IPv6 addresses in a namespace without IPv6). */
  skipped: string[];
}

/** The kernel refused a write part-way: the namespace holds `applied` but not `notApplied`. */
export class ApplyError extends Error {
  override name = "ApplyError";
  readonly exitCode = EXIT_KATA_ERROR;
  constructor(
    readonly applied: string[],
    readonly failed: { step: string; error: string },
    readonly notApplied: string[],
    readonly cause: unknown,
  ) {
    super(`${failed.step}: ${failed.error}`);
  }
}

export function runUnits(units: readonly Unit[], report: ApplyReport): ApplyReport {
  for (let u = 0; u < units.length; u++) {
    let steps: Step[] = [];
    let s = 0;
    try {
      steps = units[u].steps();
      for (; s < steps.length; s++) {
        steps[s].run();
        report.applied.push(steps[s].description);
      }
    } catch (error) {
      const failedStep = steps[s]?.description ?? `${units[u].label}: looking up its link`;
      const notApplied = [...steps.slice(s + 1).map((step) => step.description), ...units.slice(u + 1).map((unit) => unit.label)];
      throw new ApplyError(report.applied, { step: failedStep, error: describe(error) }, notApplied, error);
    }
  }
  return report;
}

function describe(error: unknown): string {
  if (error instanceof NetlinkError) return `${error.code} (${error.description})${error.extAck ? `: ${error.extAck}` : ""}`;
  return error instanceof Error ? error.message : String(error);
}
