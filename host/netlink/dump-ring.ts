// The dump thread's shared ring (see dump-thread.ts): records in a SharedArrayBuffer, one
// writer (the worker), one reader (the calling thread), control cells for the positions
// and for handing each job over, Atomics for waiting. It carries datagrams, the dumps'
// ends and restarts, and the worker's outcome.

/** Control cells. Positions count bytes ever written/read, wrapping at 2^32; the capacity
 * is a power of two, so `position & (capacity - 1)` stays right across the wrap. */
const BOOTED = 0;
const WRITTEN = 1;
const READ = 2;
const CAPACITY = 3;
/** Jobs requested so far, and the descriptor of the latest. */
const JOBS = 4;
const JOB_FD = 5;
/** Jobs handed over so far (the calling thread dumps links and addresses first), and the
 * dump the worker starts at, or CANCELLED. */
const HANDED_OVER = 6;
const JOB_FROM = 7;
const CONTROL_CELLS = 8;
export const CANCELLED = -1;

/** Record kinds. A record is an 8-byte header (kind, value) and, for DATAGRAM and FAILED,
 * `value` payload bytes; records start 8-aligned and never straddle the ring's end. */
export const DATAGRAM = 1;
/** One of the four dumps completed. */
export const DUMP_END = 2;
/** dumpNamespace truncated its sink to `value` bytes to start over. */
export const RESTART = 3;
export const FINISHED = 4;
/** The payload is the worker's error as JSON. */
export const FAILED = 5;
/** The rest of the ring is unused; the next record is at its start. */
const WRAP = 6;
const HEADER_BYTES = 8;

const hasPayload = (kind: number): boolean => kind === DATAGRAM || kind === FAILED;
const recordBytes = (payloadBytes: number): number => HEADER_BYTES + ((payloadBytes + 7) & ~7);

/** Several 32 KiB dump datagrams in flight; larger datagrams make it grow. */
const RING_BYTES = 256 * 1024;
const MAX_RING_BYTES = 64 * 1024 * 1024;

type GrowableSharedArrayBuffer = SharedArrayBuffer & { grow(bytes: number): void; readonly maxByteLength: number };
const GrowableShared = SharedArrayBuffer as unknown as new (
  bytes: number,
  options: { maxByteLength: number },
) => GrowableSharedArrayBuffer;

/** The memory both threads share; plain data, so it can be posted to the worker. */
export interface SharedRing {
  control: Int32Array;
  data: GrowableSharedArrayBuffer;
}

/** `capacity` must be a power of two. */
export function createRing(capacity = RING_BYTES, maxCapacity = MAX_RING_BYTES): SharedRing {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_CELLS * 4));
  control[CAPACITY] = capacity;
  return { control, data: new GrowableShared(capacity, { maxByteLength: maxCapacity }) };
}

const load = (ring: SharedRing, cell: number): number => Atomics.load(ring.control, cell) >>> 0;

/** The worker's end: reserves room for a record (waiting while the reader catches up),
 * then publishes it. */
export class RingWriter {
  private reservedAt = 0;
  private jobsTaken = 0;

  constructor(private readonly ring: SharedRing) {}

  markBooted(): void {
    Atomics.store(this.ring.control, BOOTED, 1);
  }

  /** Waits for the next job and returns its descriptor. Jobs come through shared memory
   * like everything else, so the thread never needs its event loop; an unref'd worker
   * blocked here does not hold up the process's exit (in Node and in Deno). */
  nextJob(): number {
    while (Atomics.load(this.ring.control, JOBS) === this.jobsTaken) Atomics.wait(this.ring.control, JOBS, this.jobsTaken);
    this.jobsTaken = (this.jobsTaken + 1) | 0;
    return Atomics.load(this.ring.control, JOB_FD);
  }

  /** Waits until the calling thread hands the job's socket over; returns the dump to start
   * at, or null if the job was called off (the worker then publishes FINISHED alone). The
   * worker is woken as the calling thread starts its own dumps (links, addresses), so it
   * polls for a moment before it sleeps. */
  awaitHandOver(): number | null {
    const until = performance.now() + HAND_OVER_POLL_MS;
    while (Atomics.load(this.ring.control, HANDED_OVER) !== this.jobsTaken && performance.now() < until);
    for (let handed; (handed = Atomics.load(this.ring.control, HANDED_OVER)) !== this.jobsTaken; ) {
      Atomics.wait(this.ring.control, HANDED_OVER, handed);
    }
    const from = Atomics.load(this.ring.control, JOB_FROM);
    return from === CANCELLED ? null : from;
  }

  /** A writable view of `payloadBytes` bytes inside the next record. */
  reserve(payloadBytes: number): Uint8Array {
    const size = recordBytes(payloadBytes);
    if (size > load(this.ring, CAPACITY)) this.grow(size, payloadBytes);
    const capacity = load(this.ring, CAPACITY);
    const offset = load(this.ring, WRITTEN) & (capacity - 1);
    if (capacity - offset < size) {
      this.waitForRoom(capacity - offset);
      this.writeHeader(offset, WRAP, 0);
      this.advance(capacity - offset);
      return this.reserve(payloadBytes);
    }
    this.waitForRoom(size);
    this.reservedAt = offset;
    return new Uint8Array(this.ring.data, offset + HEADER_BYTES, payloadBytes);
  }

  /** Publishes the reserved record; DATAGRAM and FAILED keep `value` bytes of its payload. */
  commit(kind: number, value: number): void {
    this.writeHeader(this.reservedAt, kind, value);
    this.advance(recordBytes(hasPayload(kind) ? value : 0));
  }

  /** A record without payload. */
  publish(kind: number, value = 0): void {
    this.reserve(0);
    this.commit(kind, value);
  }

  /** Only while the ring is empty, so no record moves when positions map anew. */
  private grow(size: number, payloadBytes: number): void {
    let capacity = load(this.ring, CAPACITY);
    while (capacity < size) capacity *= 2;
    if (capacity > this.ring.data.maxByteLength) {
      throw new RangeError(
        `a ${payloadBytes}-byte netlink datagram does not fit the dump thread's ring (at most ${this.ring.data.maxByteLength} bytes)`,
      );
    }
    this.waitForRoom(load(this.ring, CAPACITY));
    this.ring.data.grow(capacity);
    Atomics.store(this.ring.control, CAPACITY, capacity);
  }

  /** Blocks until the reader has freed `bytes`. Unbounded: the reader only ever pauses
   * for its own work, while the opposite wait (for this thread) is the bounded one, after
   * which the reader terminates this thread. */
  private waitForRoom(bytes: number): void {
    for (;;) {
      const read = Atomics.load(this.ring.control, READ);
      const used = (load(this.ring, WRITTEN) - (read >>> 0)) >>> 0;
      if (load(this.ring, CAPACITY) - used >= bytes) return;
      Atomics.wait(this.ring.control, READ, read);
    }
  }

  private writeHeader(offset: number, kind: number, value: number): void {
    const header = new Int32Array(this.ring.data, offset, 2);
    header[0] = kind;
    header[1] = value;
  }

  private advance(bytes: number): void {
    Atomics.store(this.ring.control, WRITTEN, (load(this.ring, WRITTEN) + bytes) | 0);
    Atomics.notify(this.ring.control, WRITTEN);
  }
}

interface RingRecord {
  kind: number;
  value: number;
  offset: number;
  bytes: number;
}

/** How long the reader polls before it sleeps. */
const POLL_MS = 0.2;
/** How long a woken worker polls for the hand-over: link and address dumps mostly take less. */
const HAND_OVER_POLL_MS = 1;

/** Thrown when the worker publishes nothing for too long; the thread is then retired. */
export class DumpThreadStalled extends Error {
  constructor(stallLimitMs: number) {
    super(`netlink dump thread stopped responding (nothing for ${stallLimitMs / 1000} s)`);
    this.name = "DumpThreadStalled";
  }
}

/** The calling thread's end. */
export class RingReader {
  constructor(private readonly ring: SharedRing) {}

  booted(): boolean {
    return Atomics.load(this.ring.control, BOOTED) === 1;
  }

  requestJob(fd: number): void {
    Atomics.store(this.ring.control, JOB_FD, fd);
    Atomics.add(this.ring.control, JOBS, 1);
    Atomics.notify(this.ring.control, JOBS);
  }

  /** Lets the worker go on with the requested job from dump `from` (CANCELLED: not at all). */
  handOver(from: number): void {
    Atomics.store(this.ring.control, JOB_FROM, from);
    Atomics.store(this.ring.control, HANDED_OVER, Atomics.load(this.ring.control, JOBS));
    Atomics.notify(this.ring.control, HANDED_OVER);
  }

  /** The next record (skipping wraps), waiting at most `stallLimitMs` for it. */
  next(stallLimitMs: number): RingRecord {
    const deadline = performance.now() + stallLimitMs;
    for (;;) {
      const written = Atomics.load(this.ring.control, WRITTEN);
      const read = load(this.ring, READ);
      if (written >>> 0 !== read) {
        const record = this.recordAt(read & (load(this.ring, CAPACITY) - 1));
        if (record.kind !== WRAP) return record;
        this.release(record);
        continue;
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new DumpThreadStalled(stallLimitMs);
      if (this.polled(written)) continue;
      Atomics.wait(this.ring.control, WRITTEN, written, remaining);
    }
  }

  /** Watches WRITTEN move on from `written` for a moment before the reader sleeps: the next
   * datagram is usually that close, and a sleeping reader makes the worker pay a futex
   * wake for every record it publishes. */
  private polled(written: number): boolean {
    const until = performance.now() + POLL_MS;
    do {
      if (Atomics.load(this.ring.control, WRITTEN) !== written) return true;
    } while (performance.now() < until);
    return false;
  }

  payload(record: RingRecord): Uint8Array {
    return new Uint8Array(this.ring.data, record.offset + HEADER_BYTES, record.value);
  }

  release(record: RingRecord): void {
    Atomics.store(this.ring.control, READ, (load(this.ring, READ) + record.bytes) | 0);
    Atomics.notify(this.ring.control, READ);
  }

  private recordAt(offset: number): RingRecord {
    const [kind, value] = new Int32Array(this.ring.data, offset, 2);
    const capacity = load(this.ring, CAPACITY);
    const bytes = kind === WRAP ? capacity - offset : recordBytes(hasPayload(kind) ? value : 0);
    return { kind, value, offset, bytes };
  }
}
