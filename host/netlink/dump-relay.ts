// Both halves of one namespace dump relayed through the dump thread's ring (see
// dump-thread.ts): the worker runs dumpNamespace into a sink that publishes each datagram,
// dump end and restart as a ring record; the calling thread replays the records into its
// own sink, with the progress callbacks in order, and rethrows the worker's error.

import { dumpNamespace, type RestartableSink } from "./dump.ts";
import { DATAGRAM, DUMP_END, FAILED, FINISHED, RESTART, type RingReader, type RingWriter } from "./dump-ring.ts";
import type { DumpSink, NetlinkSocket } from "./socket.ts";
import { describeError, reviveError } from "./thread-errors.ts";

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
export class DumpReplay {
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

export function replayRing(reader: RingReader, replay: DumpReplay, stallLimitMs: number): void {
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
