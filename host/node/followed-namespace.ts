// One namespace of a node agent: its watcher (opened, and reopened after a failure, by the
// shared scheduler), its state, and its stream. Envelopes keep one numbering across
// reopenings: the first state after one goes out as a `resync`, one past the last change.

import { NamespaceError } from "../netlink/netns.ts";
import { EnvelopeFrame } from "../serve/frames.ts";
import { Listeners, type Frame, type Stream, type StreamListener } from "../serve/streams.ts";
import { NamespaceGoneError } from "../watch/namespace-presence.ts";
import { NamespaceWatcher, type ScheduleRescan, type WatchOptions } from "../watch/watcher.ts";
import { statusFrame, type NamespaceState, type NamespaceStatus } from "./status-frames.ts";

export const CLOSE_NORMAL = 1000;
const FIRST_RETRY_MS = 2;
const MAX_RETRY_MS = 30_000;
/** How long a file under /run/netns may stay a plain file before that counts as a failure:
 * `ip netns add` creates it and bind-mounts the namespace over it a moment later. */
const MOUNT_GRACE_MS = 1000;

export interface FollowContext {
  watchOptions: WatchOptions;
  /** This namespace's lane of the shared scheduler. */
  schedule: ScheduleRescan;
  /** The namespace's state or detail changed (for the listing). */
  statusChanged(): void;
  /** An attempt to open or watch it failed. */
  failed(): void;
  /** Its watcher found it deleted (its file removed, its process exited). */
  gone(error: NamespaceGoneError): void;
}

export class FollowedNamespace implements Stream {
  private state: NamespaceState = "starting";
  private detail = "";
  private watcher: NamespaceWatcher | undefined;
  private readonly listeners = new Listeners();
  /** Added to the watcher's numbers: its numbering restarts at 0 with each opening. */
  private seqBase = 0n;
  private lastSeq = 0n;
  private everStreamed = false;
  private failedAttempts = 0;
  private firstAttemptAt: number | undefined;
  private pendingOpen: (() => void) | undefined;

  /** `spec` is what the watcher opens (NAME, PATH or PID); `name` what clients ask for. */
  constructor(
    readonly name: string,
    private readonly spec: string,
    private readonly context: FollowContext,
  ) {}

  get status(): NamespaceStatus {
    return { name: this.name, state: this.state, detail: this.detail };
  }

  get streaming(): boolean {
    return this.state === "streaming";
  }

  /** Its file under /run/netns changed (created, or mounted over): opens it on the
   * scheduler's next turn, with the retry backoff and the grace for mounting afresh. */
  reopen(): void {
    this.failedAttempts = 0;
    this.firstAttemptAt = undefined;
    this.openSoon();
  }

  /** Opens it on the scheduler's next turn (again, if it was streaming). */
  openSoon(delayMs = 0): void {
    this.pendingOpen?.();
    this.pendingOpen = this.context.schedule(performance.now() + delayMs, () => {
      this.pendingOpen = undefined;
      this.open();
    });
  }

  current(): Frame[] {
    if (this.watcher && this.state === "streaming") return [new EnvelopeFrame(this.renumbered(this.watcher.snapshot()))];
    return [statusFrame(this.lastSeq, this.status)];
  }

  subscribe(listener: StreamListener): () => void {
    return this.listeners.subscribe(listener);
  }

  explain(): Frame | undefined {
    const explanation = this.state === "streaming" ? this.watcher?.startExplaining() : undefined;
    return explanation && new EnvelopeFrame(this.renumbered(explanation));
  }

  /** The namespace is gone: its clients get a last status and are closed normally. */
  end(detail: string): void {
    this.stop();
    this.setStatus("deleted", detail);
    this.listeners.frame(statusFrame(this.lastSeq, this.status));
    this.listeners.end(CLOSE_NORMAL, detail);
    this.everStreamed = false;
    this.seqBase = this.lastSeq = 0n;
    this.failedAttempts = 0;
    this.firstAttemptAt = undefined;
  }

  stop(): void {
    this.pendingOpen?.();
    this.pendingOpen = undefined;
    this.watcher?.stop();
    this.watcher = undefined;
  }

  private open(): void {
    this.watcher?.stop();
    this.watcher = undefined;
    this.firstAttemptAt ??= performance.now();
    let watcher: NamespaceWatcher;
    try {
      watcher = new NamespaceWatcher({ ...this.context.watchOptions, netns: this.spec, schedule: this.context.schedule });
    } catch (error) {
      this.retryAfter(error as Error);
      return;
    }
    this.watcher = watcher;
    this.failedAttempts = 0;
    watcher.subscribe({
      envelope: (envelope) => this.listeners.frame(new EnvelopeFrame(this.renumbered(envelope))),
      failed: (error) => {
        this.watcher = undefined;
        if (error instanceof NamespaceGoneError) this.context.gone(error);
        else this.retryAfter(error);
      },
    });
    // Clients that waited (or saw a failure) get the whole state; it is one past the
    // last change they had, as a resync, unless it is the very first.
    if (this.everStreamed) {
      this.seqBase = ++this.lastSeq;
      this.listeners.frame(new EnvelopeFrame({ ...watcher.snapshot(), seq: this.seqBase, kind: "resync" }));
    } else {
      this.listeners.frame(new EnvelopeFrame(watcher.snapshot()));
    }
    this.everStreamed = true;
    this.setStatus("streaming", "");
  }

  private renumbered<E extends { seq: bigint }>(envelope: E): E {
    if (this.seqBase + envelope.seq > this.lastSeq) this.lastSeq = this.seqBase + envelope.seq;
    return { ...envelope, seq: this.seqBase + envelope.seq };
  }

  private retryAfter(error: Error): void {
    const notMountedYet =
      error instanceof NamespaceError && error.problem === "not-a-namespace" && performance.now() - (this.firstAttemptAt ?? 0) < MOUNT_GRACE_MS;
    if (!notMountedYet) {
      this.context.failed();
      if (this.state !== "failed" || this.detail !== error.message) {
        this.setStatus("failed", error.message);
        this.listeners.frame(statusFrame(this.lastSeq, this.status));
      }
    }
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.failedAttempts, MAX_RETRY_MS);
    this.failedAttempts += 1;
    this.openSoon(delay);
  }

  private setStatus(state: NamespaceState, detail: string): void {
    if (state === this.state && detail === this.detail) return;
    this.state = state;
    this.detail = detail;
    this.context.statusChanged();
  }
}
