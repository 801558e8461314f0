// Walks a byte stream of netlink messages (nlmsghdr + payload, 4-byte aligned), as dumps
// leave them in a sink.

import { NLMSG_HDRLEN } from "./socket.ts";

export interface NetlinkMessage {
  type: number;
  flags: number;
  sequence: number;
  /** The whole message, header included, as a view into the walked bytes. */
  bytes: Uint8Array;
  /** The payload after the 16-byte header. */
  payload: Uint8Array;
}

export function* netlinkMessages(stream: Uint8Array): Generator<NetlinkMessage> {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  for (let offset = 0; offset < stream.length; ) {
    const length = view.getUint32(offset, true);
    if (length < NLMSG_HDRLEN || offset + length > stream.length) {
      throw new RangeError(`netlink message at byte ${offset} claims ${length} bytes, ${stream.length - offset} remain`);
    }
    yield {
      type: view.getUint16(offset + 4, true),
      flags: view.getUint16(offset + 6, true),
      sequence: view.getUint32(offset + 8, true),
      bytes: stream.subarray(offset, offset + length),
      payload: stream.subarray(offset + NLMSG_HDRLEN, offset + length),
    };
    offset += (length + 3) & ~3;
  }
}

export interface NetlinkAttribute {
  type: number;
  payload: Uint8Array;
}

/** Attributes (nlattr TLVs) starting `offset` bytes into a payload; the nested and byte-order flags are dropped from types. */
export function* netlinkAttributes(payload: Uint8Array, offset: number): Generator<NetlinkAttribute> {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let position = offset; position + 4 <= payload.length; ) {
    const length = view.getUint16(position, true);
    if (length < 4 || position + length > payload.length) {
      throw new RangeError(`netlink attribute at byte ${position} claims ${length} bytes, ${payload.length - position} remain`);
    }
    yield { type: view.getUint16(position + 2, true) & 0x3fff, payload: payload.subarray(position + 4, position + length) };
    position += (length + 3) & ~3;
  }
}
