// Walks a byte stream of netlink messages (nlmsghdr + payload, 4-byte aligned).
import { lastError } from "../errors";
import { NLMSG_HDRLEN } from "./constants";

// As attributes.ts: the walk is inline functions over the message's position, so a loop
// that only needs headers keeps the position in a local:
//
//   for (let at = start; messageAt(at, end, base); at = afterMessage(at, end)) { ... }
//
// Decoders take the message's own position (its header) and the input base.

/** True when a whole message starts at `at`; false at the end of [at, end) or on an error (recorded). */
@inline export function messageAt(at: usize, end: usize, base: usize): bool {
  if (lastError.failed || at >= end) return false;
  const remaining = <i32>(end - at);
  const declared: u32 = remaining < NLMSG_HDRLEN ? 0 : load<u32>(at);
  if (declared < <u32>NLMSG_HDRLEN || declared > <u32>remaining) {
    badMessageLength(at, remaining, base);
    return false;
  }
  return true;
}

@inline export function messageType(at: usize): u16 {
  return load<u16>(at, 4);
}

/** Where the next message starts; the last one may go unpadded. */
@inline export function afterMessage(at: usize, end: usize): usize {
  return min(at + ((<usize>load<u32>(at) + 3) & ~3), end);
}

function badMessageLength(at: usize, remaining: i32, base: usize): void {
  if (remaining < NLMSG_HDRLEN) {
    lastError
      .malformed(<i32>(at - base))
      .ascii("truncated netlink header: ")
      .decimal(remaining)
      .ascii(" bytes left, a header needs 16");
    return;
  }
  lastError
    .malformed(<i32>(at - base))
    .ascii("netlink message declares length ")
    .unsigned(load<u32>(at))
    .ascii(" but ")
    .decimal(remaining)
    .ascii(" bytes remain (a message needs at least 16)");
}

@inline export function messagePayload(at: usize): usize {
  return at + <usize>NLMSG_HDRLEN;
}

@inline export function messagePayloadLength(at: usize): i32 {
  return <i32>load<u32>(at) - NLMSG_HDRLEN;
}

/** Checks that the message's payload holds the family header; reports where it falls short. */
export function hasHeader(at: usize, base: usize, size: i32, name: string): bool {
  const payloadLength = messagePayloadLength(at);
  if (payloadLength >= size) return true;
  lastError
    .malformed(<i32>(at - base))
    .ascii(name)
    .ascii(" message has a ")
    .decimal(payloadLength)
    .ascii("-byte payload, shorter than its ")
    .decimal(size)
    .ascii("-byte header");
  return false;
}
