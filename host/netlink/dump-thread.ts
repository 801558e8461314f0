// A namespace dump whose socket I/O runs on a helper thread, so the calling thread can
// consume (decode) each datagram while the kernel produces the next. The calling thread
// wakes the worker and dumps links and addresses itself while it wakes; then the worker
// runs the ordinary dumpNamespace for routes and neighbours over the same descriptor into
// a sink that publishes records into a SharedArrayBuffer ring, and the calling thread
// replays them into its own sink. Everything travels through shared memory, errors
// included, because a thread blocked in Atomics.wait cannot receive messages.

import { extname } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { dumpNamespace, type RestartableSink } from "./dump.ts";
import { NetlinkError, NetlinkProtocolError, NetlinkSocket, type DumpSink } from "./socket.ts";
import { SysError } from "./sys.ts";

export interface DumpProgress {
  /** Called on the calling thread after each datagram is committed to the sink. */
  afterDatagram?(): void;
  /** Called on the calling thread when dump `index` (0 links, 1 addresses, 2 routes,
   * 3 neighbours) has been fully committed (for links and addresses, once the worker has
   * taken the socket over); again for the same index after a restart. */
  afterDump?(index: number): void;
  /** Called on the calling thread after the sink was truncated to start all four dumps over. */
  afterRestart?(): void;
}

// ---- The ring: one writer (the worker), one reader (the calling thread) ----

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
const CANCELLED = -1;

/** Record kinds. A record is an 8-byte header (kind, value) and, for DATAGRAM and FAILED,
 * `value` payload bytes; records start 8-aligned and never straddle the ring's end. */
const DATAGRAM = 1;
/** One of the four dumps completed. */
const DUMP_END = 2;
/** dumpNamespace truncated its sink to `value` bytes to start over. */
const RESTART = 3;
export const FINISHED = 4;
/** The payload is the worker's error as JSON. */
const FAILED = 5;
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

// ---- Both halves of one dump ----

/** The worker's sink: each datagram is received straight into the ring. */
class RingSink implements RestartableSink {
  length = 0;

  constructor(private readonly writer: RingWriter) {}

  reserve(bytes: number): Uint8Array {
    return this.writer.reserve(bytes);
  }

  commit(bytes: number): void {
    this.writer.commit(DATAGRAM, bytes);
    this.length += bytes;
  }

  truncate(length: number): void {
    this.writer.publish(RESTART, length);
    this.length = length;
  }
}

/** The worker's half: dumpNamespace from dump `from` into the ring, then FINISHED or the error. */
export function publishDump(socket: Pick<NetlinkSocket, "dump">, writer: RingWriter, from = 0): void {
  try {
    const marking = {
      dump(request: Uint8Array, sink: DumpSink): void {
        socket.dump(request, sink);
        writer.publish(DUMP_END);
      },
    };
    dumpNamespace(marking, new RingSink(writer), from);
    writer.publish(FINISHED);
  } catch (error) {
    const json = new TextEncoder().encode(JSON.stringify(describeError(error)));
    writer.reserve(json.length).set(json);
    writer.commit(FAILED, json.length);
  }
}

/**
 * The calling thread's side of one dump: commits and progress callbacks in order. When
 * the sink or a callback throws, the rest goes unused and the failure is held until the
 * dump ends, so the socket is always left between replies.
 */
class DumpReplay {
  private dumpIndex = 0;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly sink: RestartableSink,
    private readonly progress: DumpProgress,
    /** Where the dump started in the sink: a restart truncates back to it. */
    readonly start: number,
  ) {}

  /** A datagram the calling thread received into the sink itself. */
  committed(): void {
    this.guard(() => this.progress.afterDatagram?.());
  }

  /** A datagram from the ring. */
  datagram(bytes: Uint8Array): void {
    this.guard(() => {
      this.sink.reserve(bytes.length).set(bytes);
      this.sink.commit(bytes.length);
      this.progress.afterDatagram?.();
    });
  }

  dumpEnded(): void {
    this.guard(() => this.progress.afterDump?.(this.dumpIndex++));
  }

  /** All dumps start over: the sink goes back to `start + length`. */
  restarted(length: number): void {
    this.guard(() => {
      this.sink.truncate(this.start + length);
      this.dumpIndex = 0;
      this.progress.afterRestart?.();
    });
  }

  throwHeldFailure(): void {
    if (this.failure) throw this.failure.error;
  }

  private guard(step: () => void): void {
    if (this.failure) return;
    try {
      step();
    } catch (error) {
      this.failure = { error };
    }
  }
}

/** The calling thread's half: replays the ring's records into `sink` until the worker
 * finishes. `start`: where the whole dump began in the sink, before the dumps this
 * thread received itself (a restart drops them too). */
export function receiveDump(
  reader: RingReader, sink: RestartableSink, progress: DumpProgress, stallLimitMs: number, start = sink.length,
): void {
  replayRing(reader, new DumpReplay(sink, progress, start), stallLimitMs);
}

function replayRing(reader: RingReader, replay: DumpReplay, stallLimitMs: number): void {
  for (;;) {
    const record = reader.next(stallLimitMs);
    if (record.kind === FINISHED || record.kind === FAILED) {
      const workerError = record.kind === FAILED ? reviveError(reader.payload(record)) : undefined;
      reader.release(record);
      replay.throwHeldFailure();
      if (workerError) throw workerError;
      return;
    }
    if (record.kind === DATAGRAM) replay.datagram(reader.payload(record));
    else if (record.kind === DUMP_END) replay.dumpEnded();
    else if (record.kind === RESTART) replay.restarted(record.value);
    reader.release(record);
  }
}

// ---- Errors across the thread boundary ----

interface ErrorDescription {
  name: string;
  message: string;
  /** Own enumerable properties: NetlinkError's errno and extAck, SysError's call, ... */
  fields: Record<string, unknown>;
  /** Fields holding undefined, which JSON would drop. */
  undefinedFields: string[];
}

/** Classes the worker can throw that callers tell apart; others arrive as Error. */
const REVIVED_CLASSES: Record<string, new (...args: never[]) => Error> = {
  NetlinkError,
  NetlinkProtocolError,
  SysError,
  RangeError,
  TypeError,
};

function describeError(error: unknown): ErrorDescription {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), fields: {}, undefinedFields: [] };
  const fields: Record<string, unknown> = { ...error };
  const undefinedFields = Object.keys(fields).filter((key) => fields[key] === undefined);
  return { name: error.name, message: error.message, fields, undefinedFields };
}

/** The same class, message and fields; the constructor is skipped (it would rebuild the
 * message from arguments not all of which are kept), the stack is the calling thread's. */
function reviveError(json: Uint8Array): Error {
  const { name, message, fields, undefinedFields } = JSON.parse(new TextDecoder().decode(json)) as ErrorDescription;
  const error = Reflect.construct(Error, [message], REVIVED_CLASSES[name] ?? Error) as Error;
  for (const key of undefinedFields) fields[key] = undefined;
  return Object.assign(error, fields);
}

// ---- The process's dump thread ----

/** Longer than a socket's default 10 s receive timeout, after which the worker reports
 * the timeout itself: silence beyond that means the worker is gone or stuck. */
const STALL_LIMIT_MS = 15_000;

/** Same extension as this module: Node runs dist/*.js, Deno runs the .ts sources. */
const WORKER_URL = new URL(`./dump-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

export class DumpThread {
  private static instance: DumpThread | undefined;
  private static unusableReason: string | undefined;
  private busy = false;

  private constructor(
    private readonly worker: Worker,
    private readonly reader: RingReader,
  ) {}

  /** Why threads cannot be used in this process, once that is known. */
  static get unavailable(): string | undefined {
    return DumpThread.unusableReason;
  }

  /**
   * The process's dump thread once it has booted. Otherwise starts booting it (first
   * call) and returns null, so the caller dumps on its own thread this time. Never
   * blocks; returns null for good once threads turn out unusable (see `unavailable`).
   */
  static ready(): DumpThread | null {
    if (DumpThread.unusableReason !== undefined) return null;
    DumpThread.instance ??= DumpThread.boot();
    return DumpThread.instance?.reader.booted() ? DumpThread.instance : null;
  }

  /** The dump thread once it serves, started if need be; null if threads are unusable or
   * it has not booted within `timeoutMs`. For callers that want every scan overlapped. */
  static async started(timeoutMs = 10_000): Promise<DumpThread | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const thread = DumpThread.ready();
      if (thread !== null || DumpThread.unusableReason !== undefined || Date.now() > deadline) return thread;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private static boot(): DumpThread | undefined {
    const missing = missingPrerequisite();
    if (missing) {
      DumpThread.retire(missing);
      return undefined;
    }
    try {
      const ring = createRing();
      const worker = new Worker(WORKER_URL, { workerData: ring, execArgv: workerExecArgv() });
      worker.unref();
      worker.on("error", (error) => DumpThread.retire(`the dump thread failed: ${String(error)}`));
      worker.on("exit", (code) => DumpThread.retire(`the dump thread exited with code ${code}`));
      return new DumpThread(worker, new RingReader(ring));
    } catch (error) {
      DumpThread.retire(`the dump thread could not start: ${String(error)}`);
      return undefined;
    }
  }

  /** Marks threads unusable for the rest of the process (keeping the first reason). */
  private static retire(reason: string): void {
    DumpThread.unusableReason ??= reason;
    DumpThread.instance?.worker.terminate();
    DumpThread.instance = undefined;
  }

  /**
   * dumpNamespace over `fd` (a NETLINK_ROUTE socket the caller opened and will close),
   * with the routes' and neighbours' I/O on the dump thread: the same records, restarts and errors
   * (NetlinkError, NetlinkProtocolError, SysError, timeouts: same class, message and
   * fields). Blocks until done. The sink and `progress` are only used on this thread.
   * Throws DumpThreadStalled, and retires the thread, if it stops responding.
   */
  dump(fd: number, sink: RestartableSink, progress: DumpProgress = {}): void {
    if (DumpThread.unusableReason !== undefined) throw new Error(`netlink dump thread unusable: ${DumpThread.unusableReason}`);
    if (this.busy) throw new Error("DumpThread.dump called again from inside a dump's progress callback");
    this.busy = true;
    try {
      const replay = new DumpReplay(sink, progress, sink.length);
      // The worker takes a while to wake: this thread dumps links and addresses meanwhile.
      this.reader.requestJob(fd);
      try {
        dumpFirstHere(NetlinkSocket.adopt(fd), sink, replay);
      } catch (error) {
        // The worker answers FINISHED, so no job is left half-taken when the next comes.
        this.reader.handOver(CANCELLED);
        replayRing(this.reader, replay, STALL_LIMIT_MS);
        throw error;
      }
      this.reader.handOver(DUMPS_HERE);
      for (let dump = 0; dump < DUMPS_HERE; dump++) replay.dumpEnded();
      replayRing(this.reader, replay, STALL_LIMIT_MS);
    } catch (error) {
      if (error instanceof DumpThreadStalled) DumpThread.retire(error.message);
      throw error;
    } finally {
      this.busy = false;
    }
  }
}

/** Links and addresses: small dumps, during which the worker wakes up. */
const DUMPS_HERE = 2;

/** The first dumps, received by the calling thread itself (restarted on their own if interrupted). */
function dumpFirstHere(socket: NetlinkSocket, sink: RestartableSink, replay: DumpReplay): void {
  const reporting: RestartableSink = {
    get length() {
      return sink.length;
    },
    reserve: (bytes) => sink.reserve(bytes),
    commit(bytes) {
      sink.commit(bytes);
      replay.committed();
    },
    truncate: (length) => replay.restarted(length - replay.start),
  };
  dumpNamespace(socket, reporting, 0, DUMPS_HERE);
}

/** The process's Node options minus --input-type (as in `node --input-type=module -e`),
 * which a worker started from a file inherits and then refuses to start with. */
function workerExecArgv(): string[] {
  const kept: string[] = [];
  for (let index = 0; index < process.execArgv.length; index++) {
    const option = process.execArgv[index];
    if (option === "--input-type") index++; // its value follows
    else if (!option.startsWith("--input-type=")) kept.push(option);
  }
  return kept;
}

/** What this runtime lacks for the dump thread, if anything. */
function missingPrerequisite(): string | undefined {
  if (typeof SharedArrayBuffer !== "function") return "SharedArrayBuffer is not available";
  if (!("growable" in SharedArrayBuffer.prototype)) return "SharedArrayBuffer cannot grow in this runtime";
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch (error) {
    return `Atomics.wait is not allowed on this thread: ${String(error)}`;
  }
  return undefined;
}
