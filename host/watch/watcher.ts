// One namespace, watched: notifications only wake it; once a burst of them is over (or
// the coalescing window is used up) it rescans the whole namespace and tells its
// listeners what changed, as numbered envelopes. A lost notification (receive-buffer
// overflow) turns the next rescan into a full resync, so listeners never miss a change.

import type { KatanetCore } from "../core.ts";
import type { NeighbourRule } from "../core-types.ts";
import { defaultCore } from "../convert.ts";
import { explainConversion, type Explanation } from "../explain/explain.ts";
import { scan } from "../scan.ts";
import type { Envelope } from "./envelope.ts";
import { DEFAULT_RECEIVE_BUFFER_BYTES, EventSocket } from "./event-socket.ts";
import { NamespacePresence } from "./namespace-presence.ts";
import { watchReadable } from "./readiness.ts";
import { changesBetween, stateOf, type NamespaceState } from "./state.ts";

export const DEFAULT_COALESCE_MS = 20;
/** A socket silent this long means the burst is over: rescanning then catches it whole,
 * and waiting longer would only add latency. Events one process sends back to back
 * (`ip -batch`, a CNI plugin) come well under 1 ms apart; 1 ms is also the timers' grain. */
const QUIET_MS = 1;

export interface WatchOptions {
  /** NAME (/var/run/netns/NAME), a path, or a PID; this process's own namespace when absent. */
  netns?: string;
  /** The longest a change waits for more while notifications keep coming (default 20 ms):
   * it bounds the rescans, and the frames carrying the whole route set, to one per window
   * under sustained churn. A burst that ends is rescanned QUIET_MS after its last event. */
  coalesceMs?: number;
  /** Socket receive buffer (default 8 MiB); small values make overflows likely. */
  receiveBufferBytes?: number;
  /** Which of Kata's neighbour rules the neighbour messages follow (default seed). */
  neighbourRule?: NeighbourRule;
  /** Guest PCI paths by interface name, as for `scan`. */
  pciPaths?: Record<string, string>;
  /** Leave out links Kata would reject instead of failing the watch (default true: one
   * odd link appearing in a pod should not end the stream). */
  keepGoing?: boolean;
  core?: KatanetCore;
  /** Runs the rescans: a node agent passes one scheduler shared by all its namespaces
   * (host/node/scheduler.ts); alone, a watcher uses a timer of its own. */
  schedule?: ScheduleRescan;
  /** Told about scans, notifications and resyncs (for metrics). */
  observer?: WatchObserver;
}

/** Calls `run` at `dueAt` (performance.now() time) unless cancelled first. */
export type ScheduleRescan = (dueAt: number, run: () => void) => () => void;

export interface WatchObserver {
  scanned(seconds: number): void;
  notified(datagrams: number): void;
  resynced(): void;
}

const ownTimer: ScheduleRescan = (dueAt, run) => {
  const timer = setTimeout(run, Math.max(0, dueAt - performance.now()));
  return () => clearTimeout(timer);
};

export interface WatchListener {
  /** Changes, and (once someone called `startExplaining`) the explanation whenever it changes. */
  envelope(envelope: Envelope): void;
  /** The watch stopped because of `error`; no envelopes follow. A NamespaceGoneError
   * means the namespace was deleted (only this watcher's stream need end). */
  failed(error: Error): void;
}

export class NamespaceWatcher {
  private current: NamespaceState;
  private lastSeq = 0n;
  private overflowed = false;
  private pendingRescan: (() => void) | undefined;
  /** performance.now() of the first notification the pending rescan will cover. */
  private windowOpenedAt = 0;
  private lastNotificationAt = 0;
  private readonly listeners = new Set<WatchListener>();
  private readonly socket: EventSocket;
  private readonly stopReading: () => void;
  private readonly stopPresence: () => void;
  private stopped = false;
  /** The explanation sent last; set once `startExplaining` is called, after which every
   * rescan also explains what it found (`pendingExplanation`, until it is compared). */
  private explanation: { latest: Explanation; text: string } | undefined;
  private pendingExplanation: { latest: Explanation; text: string } | undefined;
  private explainNext = false;

  /** Subscribes first and scans second, so no change can fall between the two. */
  constructor(private readonly options: WatchOptions = {}) {
    const coalesceMs = options.coalesceMs ?? DEFAULT_COALESCE_MS;
    if (!Number.isFinite(coalesceMs) || coalesceMs < 0) throw new RangeError(`coalesceMs must be a non-negative number, not ${coalesceMs}`);
    this.socket = EventSocket.open(options.netns, options.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER_BYTES);
    try {
      this.current = this.rescan();
      this.stopReading = watchReadable(this.socket.fd, {
        readable: () => this.onReadable(),
        failed: (error) => this.fail(error),
      });
      this.stopPresence = new NamespacePresence(options.netns).watch((error) => this.fail(error));
    } catch (error) {
      this.socket.close();
      throw error;
    }
  }

  /** The state as of `seq`: what a snapshot sent now must hold. */
  get state(): NamespaceState {
    return this.current;
  }

  /** The number of the last change made to `state` (0 before the first). */
  get seq(): bigint {
    return this.lastSeq;
  }

  snapshot(): Extract<Envelope, { kind: "snapshot" | "resync" }> {
    return { seq: this.lastSeq, kind: "snapshot", state: this.current };
  }

  /**
   * Explains every rescan from now on (explain costs a walk of the namespace, so only once
   * a client asks) and returns the explanation of the state as of `seq`.
   */
  startExplaining(): Extract<Envelope, { kind: "explanation" }> | undefined {
    if (this.explanation === undefined) {
      this.pendingRescan?.(); // this rescan covers what the pending one would
      this.pendingRescan = undefined;
      this.explainNext = true;
      this.refresh();
    }
    return this.explanation && { seq: this.lastSeq, kind: "explanation", explanation: this.explanation.latest };
  }

  /** Listeners are called synchronously, in order, as changes are found. */
  subscribe(listener: WatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pendingRescan?.();
    this.stopReading();
    this.stopPresence();
    this.socket.close();
  }

  private onReadable(): void {
    if (this.stopped) return;
    try {
      const drained = this.socket.drain();
      this.overflowed ||= drained.overflowed;
      this.options.observer?.notified(drained.datagrams);
    } catch (error) {
      this.fail(error);
      return;
    }
    // One timer per window, checked for quiet when it fires: re-arming it on every
    // notification would mean 10,000 timer updates a second under heavy churn.
    this.lastNotificationAt = performance.now();
    if (this.pendingRescan !== undefined) return;
    this.windowOpenedAt = this.lastNotificationAt;
    this.scheduleRefresh();
  }

  /** Arms the timer for the moment the burst counts as over or the window is used up. */
  private scheduleRefresh(): void {
    const dueAt = this.refreshDueAt();
    this.pendingRescan = (this.options.schedule ?? ownTimer)(dueAt, () => this.onRefreshTimer(dueAt));
  }

  /** Notifications since the timer was armed move the due time on. It is compared with the
   * due time the timer was armed for, not with the clock: libuv's timers run on a
   * millisecond loop clock and may fire a fraction early, and re-arming for that fraction
   * would cost a whole extra millisecond. */
  private onRefreshTimer(armedFor: number): void {
    if (this.refreshDueAt() > armedFor) this.scheduleRefresh();
    else this.refresh();
  }

  private refreshDueAt(): number {
    return Math.min(this.lastNotificationAt + QUIET_MS, this.windowOpenedAt + (this.options.coalesceMs ?? DEFAULT_COALESCE_MS));
  }

  /** Drains first: every notification read before the scan is reflected in it, and any
   * change after it sends a notification of its own, which schedules the next scan. */
  private refresh(): void {
    this.pendingRescan = undefined;
    if (this.stopped) return;
    try {
      let drained;
      do {
        drained = this.socket.drain();
        this.overflowed ||= drained.overflowed;
        this.options.observer?.notified(drained.datagrams);
      } while (drained.more);
      const lostEvents = this.overflowed;
      this.overflowed = false;
      const next = this.rescan();
      const previous = this.current;
      this.current = next;
      if (lostEvents) {
        this.options.observer?.resynced();
        this.emit({ seq: ++this.lastSeq, kind: "resync", state: next });
      } else {
        for (const change of changesBetween(previous, next)) this.emit({ seq: ++this.lastSeq, skipped: next.skipped, ...change });
      }
      this.emitExplanation();
    } catch (error) {
      this.fail(error);
    }
  }

  private rescan(): NamespaceState {
    const rule = this.options.neighbourRule ?? "seed";
    const startedAt = performance.now();
    const core = this.options.core ?? defaultCore();
    const conversion = scan({
      netns: this.socket.namespacePath,
      pciPaths: this.options.pciPaths,
      keepGoing: this.options.keepGoing ?? true,
      rules: [rule],
      core,
      // Rescans are small and latency-bound: waking the dump thread for each one cost more
      // than it hid (100 clients, 10,000 events/s: p99 15-20 ms with it, 5.7 ms without).
      dumpThread: false,
    });
    this.options.observer?.scanned((performance.now() - startedAt) / 1000);
    if (this.explanation !== undefined || this.explainNext) {
      this.explainNext = false;
      const latest = explainConversion(conversion, core.explain(rule), rule);
      this.pendingExplanation = { latest, text: JSON.stringify(latest) };
    }
    return stateOf(conversion, rule);
  }

  /** Sends the explanation of the last rescan when it differs from the one sent before. */
  private emitExplanation(): void {
    const pending = this.pendingExplanation;
    this.pendingExplanation = undefined;
    if (pending === undefined || pending.text === this.explanation?.text) return;
    const first = this.explanation === undefined;
    this.explanation = pending;
    if (!first) this.emit({ seq: this.lastSeq, kind: "explanation", explanation: pending.latest });
  }

  private emit(envelope: Envelope): void {
    for (const listener of this.listeners) listener.envelope(envelope);
  }

  private fail(cause: unknown): void {
    if (this.stopped) return;
    const error = cause instanceof Error ? cause : new Error(String(cause));
    this.stop();
    for (const listener of this.listeners) listener.failed(error);
  }
}
