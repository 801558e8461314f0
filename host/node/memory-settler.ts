// After a burst of work (a storm's rescans, the first scans of hundreds of namespaces) a
// node agent holds memory it no longer needs, and nothing gives it back by itself: Wasm
// memory never shrinks, V8 collects only when JavaScript allocates (an idle agent hardly
// does), and glibc keeps the freed stores of ArrayBuffers in its heap. Once the loop has
// been nearly idle for SETTLE_MS the settler gives all three back: the core starts over on
// a fresh instance, one full collection runs, and malloc_trim returns the free pages.

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { KatanetCore } from "../core.ts";
import { sys } from "../netlink/sys.ts";

/** Longer than the 5 s over which V8 measures the allocation rate: only a collection that
 * sees a low rate shrinks the young generation back, which a storm grows to 16 MiB. */
const SETTLE_MS = 6000;
/** Idleness is checked this often (SETTLE_MS / IDLE_CHECKS): a settle comes 6 to 8 s
 * after the work ends, and no timer runs while nothing needs settling. */
const IDLE_CHECKS = 3;
/** Work (scheduled jobs' run time) that makes settling worth a full collection's pause. */
const WORTH_SETTLING_MS = 50;
/** The loop counts as nearly idle while jobs take at most this share of it. */
const IDLE_SHARE = 0.02;

export class MemorySettler {
  private workSinceSettled = 0;
  private workAtLastCheck = 0;
  private idleChecks = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  /** `core` gives the core the agent's rescans use (renewed when settling). */
  constructor(
    private readonly core: () => KatanetCore,
    private readonly settleMs = SETTLE_MS,
  ) {}

  /** A scheduled job ran for `ms`. */
  worked(ms: number): void {
    this.workSinceSettled += ms;
    if (this.timer === undefined && this.workSinceSettled >= WORTH_SETTLING_MS) {
      this.workAtLastCheck = this.workSinceSettled;
      this.idleChecks = 0;
      this.timer = setInterval(() => this.check(), this.settleMs / IDLE_CHECKS);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Settles once the loop has been nearly idle for IDLE_CHECKS checks in a row. */
  private check(): void {
    const idle = this.workSinceSettled - this.workAtLastCheck <= (this.settleMs / IDLE_CHECKS) * IDLE_SHARE;
    this.workAtLastCheck = this.workSinceSettled;
    this.idleChecks = idle ? this.idleChecks + 1 : 0;
    if (this.idleChecks < IDLE_CHECKS) return;
    this.stop();
    this.workSinceSettled = 0;
    this.core().renew();
    fullCollection();
    sys.mallocTrim();
  }
}

let collect: (() => void) | undefined;

/** One full garbage collection. V8 offers it only as the `gc` global of --expose-gc, which
 * a context created after the flag is set receives. */
function fullCollection(): void {
  if (collect === undefined) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
}
