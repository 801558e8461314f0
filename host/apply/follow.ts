// The guest side of `katanet serve`: each envelope of the stream applied as it arrives.
// Changes are numbered one after another from the snapshot's number (the last change it
// includes). A change that is not the next one — a gap, a repeat, a step back — is not
// applied: the follower asks for a fresh snapshot and skips changes until it comes. A
// frame that fails is reported (and, by default, rolled back) and the stream goes on.
//
// Unless it follows with the agent's semantics, a follower touches only the links the
// stream describes (by MAC: those of the last snapshot and of later interface updates).

import type { Applier } from "./apply.ts";
import { checkSize, streamItem } from "./envelope.ts";
import { EstablishedState } from "./established.ts";
import { ApplyInputError } from "./input.ts";
import { parseMac } from "./text.ts";
import { ApplyError, type ApplyReport } from "./steps.ts";
import { count } from "../text/count.ts";

export interface FollowEvent {
  /** The envelope's number, when it could be read. */
  seq?: bigint;
  /** What the frame was and what came of it, in one line. */
  summary: string;
  report?: ApplyReport;
  error?: ApplyError | ApplyInputError;
  /** The follower needs a fresh snapshot: send the server a snapshot request. */
  wantsSnapshot?: boolean;
}

export interface FollowerOptions {
  maxPerMessage?: number;
}

export class Follower {
  /** The number of the last snapshot or change applied (or skipped in line). */
  private last: bigint | undefined;
  private awaitingSnapshot = false;
  private scope: Uint8Array[] = [];
  private readonly established = new EstablishedState();

  constructor(
    private readonly applier: Applier,
    private readonly options: FollowerOptions = {},
  ) {}

  /** Throws NamespaceError when the target namespace cannot be entered (e.g. deleted). */
  async handle(frame: Uint8Array, signal?: AbortSignal): Promise<FollowEvent> {
    let seq: bigint | undefined;
    try {
      const item = streamItem(frame);
      seq = item.seq;
      if (item.kind !== "interfaceRemoved" && item.kind !== "leftOut") checkSize(item.requests, this.options.maxPerMessage);
      if (item.kind !== "snapshot" && item.kind !== "resync") {
        const out = this.outOfLine(item.seq);
        if (out) return out;
      }
      if (item.kind === "leftOut") {
        const links = item.skipped.map((link) => `${link.name} (${link.reason})`).join(", ") || "none";
        return { seq, summary: `change ${seq}: only the links left out upstream changed, now ${links}; nothing to apply` };
      }
      if (item.kind === "interfaceRemoved") {
        return { seq, summary: `interface ${item.name} (${item.hwAddr}) removed upstream; the agent has no request for that, left as it is` };
      }
      if (item.kind !== "change") this.awaitingSnapshot = false;
      const macs = item.requests.interfaces.map((iface, i) => parseMac(`interfaces[${i}].hwAddr`, iface.hwAddr));
      const scope = item.kind === "change" ? [...this.scope, ...macs] : macs;
      const report = await this.applier.apply(this.established.requestsFor(item), { scope, signal });
      this.established.record(item);
      this.scope = scope;
      return { seq, summary: `${item.kind} ${seq}: ${count(report.applied.length, "write")} applied, ${report.skipped.length} skipped`, report };
    } catch (error) {
      if (!(error instanceof ApplyError || error instanceof ApplyInputError)) throw error;
      return { seq, summary: `envelope ${seq ?? "?"} failed: ${error.message}`, error };
    } finally {
      // Whatever came of it, the stream has moved on to this number.
      if (seq !== undefined && !this.awaitingSnapshot) this.last = seq;
    }
  }

  /** The event for a change that is not the one after `last`, or undefined when it is. */
  private outOfLine(seq: bigint): FollowEvent | undefined {
    if (this.awaitingSnapshot) return { seq, summary: `change ${seq} skipped: waiting for the snapshot asked for` };
    if (this.last === undefined || seq === this.last + 1n) return undefined;
    this.awaitingSnapshot = true;
    const missing = seq - 1n === this.last + 1n ? `change ${seq - 1n} is` : `changes ${this.last + 1n}-${seq - 1n} are`;
    const problem = seq <= this.last ? `is not newer than ${this.last}` : `follows ${this.last}: ${missing} missing`;
    return { seq, summary: `change ${seq} ${problem}; skipped, asking for a snapshot`, wantsSnapshot: true };
  }
}
