// The guest side of `katanet serve`: each envelope of the stream applied as it arrives.
// A snapshot carries the number of the last change it includes, so changes numbered at or
// below it are already in it and are skipped. A frame that fails is reported and the
// stream goes on: the next snapshot or resync brings the namespace back in line.

import type { Applier } from "./apply.ts";
import { streamItem } from "./envelope.ts";
import { EstablishedState } from "./established.ts";
import { ApplyInputError } from "./input.ts";
import { ApplyError, type ApplyReport } from "./steps.ts";
import { count } from "../text/count.ts";

export interface FollowEvent {
  seq: number;
  /** What the frame was and what came of it, in one line. */
  summary: string;
  report?: ApplyReport;
  error?: ApplyError | ApplyInputError;
}

export class Follower {
  private lastApplied = -1;
  private readonly established = new EstablishedState();

  constructor(private readonly applier: Applier) {}

  handle(frame: Uint8Array): FollowEvent {
    let seq = -1;
    try {
      const item = streamItem(frame);
      seq = item.seq;
      if (item.kind === "interfaceRemoved") {
        return { seq, summary: `interface ${item.name} (${item.hwAddr}) removed upstream; the agent has no request for that, left as it is` };
      }
      if (item.kind === "change" && item.seq <= this.lastApplied) {
        return { seq, summary: `change ${seq} is not newer than ${this.lastApplied} (already applied or in the snapshot); skipped` };
      }
      const report = this.applier.apply(this.established.requestsFor(item));
      this.established.record(item);
      this.lastApplied = Math.max(this.lastApplied, item.seq);
      return { seq, summary: `${item.kind} ${seq}: ${count(report.applied.length, "write")} applied, ${report.skipped.length} skipped`, report };
    } catch (error) {
      if (!(error instanceof ApplyError || error instanceof ApplyInputError)) throw error;
      return { seq, summary: `envelope ${seq} failed: ${error.message}`, error };
    }
  }
}
