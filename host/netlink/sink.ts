// A dump sink over ordinary growable memory: for captures, tests, and any caller that
// does not receive straight into Wasm memory.

import type { RestartableSink } from "./dump.ts";
import { netlinkMessages, type NetlinkMessage } from "./messages.ts";
import type { NetlinkSocket } from "./socket.ts";

/** The messages of `type` one dump request returns: for the host's own small dumps
 * (a namespace's links, addresses, routes), not the scan's, which go to Wasm memory. */
export function* dumped(socket: Pick<NetlinkSocket, "dump">, request: Uint8Array, type: number): Generator<NetlinkMessage> {
  const sink = new GrowableSink(16 * 1024);
  socket.dump(request, sink);
  for (const message of netlinkMessages(sink.bytes())) if (message.type === type) yield message;
}

export class GrowableSink implements RestartableSink {
  private buffer: Uint8Array;
  private committed = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.buffer = new Uint8Array(new ArrayBuffer(initialCapacity));
  }

  get length(): number {
    return this.committed;
  }

  reserve(bytes: number): Uint8Array {
    const needed = this.committed + bytes;
    if (needed > this.buffer.length) this.grow(needed);
    return this.buffer.subarray(this.committed, needed);
  }

  commit(bytes: number): void {
    if (this.committed + bytes > this.buffer.length) {
      throw new RangeError(`commit of ${bytes} bytes exceeds the ${this.buffer.length - this.committed} reserved`);
    }
    this.committed += bytes;
  }

  truncate(length: number): void {
    if (length > this.committed) throw new RangeError(`cannot truncate ${this.committed} committed bytes to ${length}`);
    this.committed = length;
  }

  /** The committed bytes, as a view valid until the next `reserve`. */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.committed);
  }

  private grow(needed: number): void {
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(new ArrayBuffer(capacity));
    grown.set(this.bytes());
    this.buffer = grown;
  }
}
