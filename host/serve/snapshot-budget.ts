// How often one client may ask for a snapshot: a snapshot is a full rescan's worth of
// bytes, so asking without pause is a flood. A token bucket: a burst of a few, then one
// per interval.

export const DEFAULT_SNAPSHOT_BURST = 5;
export const DEFAULT_SNAPSHOT_INTERVAL_MS = 1000;

export class SnapshotBudget {
  private tokens: number;
  private updatedAt = performance.now();

  constructor(
    private readonly burst = DEFAULT_SNAPSHOT_BURST,
    private readonly intervalMs = DEFAULT_SNAPSHOT_INTERVAL_MS,
  ) {
    this.tokens = burst;
  }

  /** Takes one request from the budget; false when there is none left. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) / this.intervalMs);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
