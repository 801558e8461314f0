// A namespace dump whose socket I/O runs on a helper thread, so the calling thread can
// consume (decode) each datagram while the kernel produces the next. The calling thread
// wakes the worker and dumps links and addresses itself while it wakes; then the worker
// runs the ordinary dumpNamespace for routes and neighbours over the same descriptor into
// a sink that publishes records into a SharedArrayBuffer ring, and the calling thread
// replays them into its own sink (dump-relay.ts). Everything travels through shared memory, errors
// included, because a thread blocked in Atomics.wait cannot receive messages.

import { extname } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { dumpNamespace, type RestartableSink } from "./dump.ts";
import { DumpReplay, replayRing, type DumpProgress } from "./dump-relay.ts";
import { CANCELLED, DumpThreadStalled, RingReader, createRing } from "./dump-ring.ts";
import { NetlinkSocket } from "./socket.ts";

export type { DumpProgress };

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
