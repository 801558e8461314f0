// A small seeded generator (mulberry32): the same seed gives the same inputs on every
// machine, so a failure reported as "seed S, input N" can be replayed.
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return bound <= 1 ? 0 : Math.floor((this.next() / 0x1_0000_0000) * bound);
  }

  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.below(high - low + 1);
  }

  chance(probability: number): boolean {
    return this.next() / 0x1_0000_0000 < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  bytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = this.next() & 0xff;
    return bytes;
  }

  /** A fresh generator derived from this one and a number, for per-input streams. */
  fork(salt: number): Random {
    return new Random((this.next() ^ Math.imul(salt, 0x9e3779b1)) >>> 0);
  }
}
