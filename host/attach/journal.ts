// Attach as a list of steps, each recorded with how to take it back. The record is saved
// after every step (before it, for a step whose undo must survive a crash in the middle of
// it), so a failure, or a later detach from another process, undoes exactly what was done,
// newest first.

import { stepFailure } from "./errors.ts";
import { describeUndo, runUndo, type Undo } from "./undo.ts";
import type { NetlinkSocket } from "../netlink/socket.ts";

export interface JournalEntry {
  /** The pod interface the step serves, so one endpoint can be detached alone. */
  endpoint: string;
  step: string;
  link: string;
  undo: Undo | null;
}

/** What a step leaves to undo: a persisted change, and/or descriptors this process holds. */
export interface StepOutcome {
  undo?: Undo;
  release?: () => void;
}

/** Which endpoint a step serves and which link it changes. */
export interface StepPlace {
  endpoint: string;
  link: string;
}

export interface JournalOptions {
  /** Called with every entry so far, after each change to the list. */
  save(entries: readonly JournalEntry[]): void;
  /** Called after each step of this attach is done and recorded, with its 1-based number;
   * what it throws fails the attach there (the test seams use this). */
  afterStep?(count: number, step: string, link: string): void;
}

export class Journal {
  private readonly releases: (() => void)[] = [];

  /** `entries`: what earlier attaches of this namespace recorded; new steps follow them. */
  constructor(
    private readonly socket: NetlinkSocket,
    private readonly options: JournalOptions,
    readonly entries: JournalEntry[] = [],
    private readonly firstNewEntry = entries.length,
  ) {}

  /** The steps this attach took, in order. */
  get newSteps(): string[] {
    return this.entries.slice(this.firstNewEntry).map((entry) => entry.step);
  }

  /** Runs one step; a failure is thrown as an AttachError naming the step and the link. */
  perform(where: StepPlace, step: string, action: () => StepOutcome | void, undoRecordedFirst?: Undo): void {
    const { endpoint, link } = where;
    const entry: JournalEntry = { endpoint, step, link, undo: undoRecordedFirst ?? null };
    if (undoRecordedFirst) this.record(entry);
    let outcome: StepOutcome | void;
    try {
      outcome = action();
    } catch (error) {
      throw stepFailure(step, link, error);
    }
    if (outcome?.release) this.releases.push(outcome.release);
    if (outcome?.undo) entry.undo = outcome.undo;
    if (!undoRecordedFirst) this.record(entry);
    this.options.afterStep?.(this.entries.length - this.firstNewEntry, step, link);
  }

  /** Closes the descriptors the steps opened (the changes themselves stay). */
  releaseAll(): void {
    for (const release of this.releases.splice(0).reverse()) release();
  }

  /** Undoes the steps this attach took, newest first; returns the undos that failed, with why. */
  rollBack(): string[] {
    this.releaseAll();
    const earlier = this.entries.slice(0, this.firstNewEntry);
    const taken = this.entries.slice(this.firstNewEntry);
    return undoEntries(this.socket, taken, (left) => this.options.save([...earlier, ...left]));
  }

  private record(entry: JournalEntry): void {
    this.entries.push(entry);
    this.options.save(this.entries);
  }
}

/**
 * Undoes `entries` newest first, saving after each what is still to undo: the entries not
 * reached yet and those whose undo failed, which a later detach tries again.
 */
export function undoEntries(socket: NetlinkSocket, entries: JournalEntry[], save: (left: readonly JournalEntry[]) => void): string[] {
  const failures: string[] = [];
  const failed: JournalEntry[] = [];
  for (let entry = entries.pop(); entry !== undefined; entry = entries.pop()) {
    if (entry.undo) {
      try {
        runUndo(socket, entry.undo);
      } catch (error) {
        failures.push(`${describeUndo(entry.undo)}: ${error instanceof Error ? error.message : String(error)}`);
        failed.unshift(entry);
      }
    }
    save([...entries, ...failed]);
  }
  return failures;
}
