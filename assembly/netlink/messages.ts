// Walks a byte stream of netlink messages (nlmsghdr + payload, 4-byte aligned).
import { lastError } from "../errors";
import { NLMSG_HDRLEN } from "./constants";

export class MessageWalker {
  type: u16 = 0;
  flags: u16 = 0;
  start: usize = 0; // the header
  payload: usize = 0;
  payloadLength: i32 = 0;
  private at: usize = 0;
  private end: usize = 0;
  private base: usize = 0;

  /** Walks [start, start + length); error offsets count from `base`. */
  reset(start: usize, length: i32, base: usize): MessageWalker {
    this.at = start;
    this.base = base;
    this.end = start + <usize>length;
    return this;
  }

  next(): bool {
    if (lastError.failed || this.at >= this.end) return false;
    const remaining = <i32>(this.end - this.at);
    if (remaining < NLMSG_HDRLEN) {
      lastError
        .malformed(this.offset(this.at))
        .ascii("truncated netlink header: ")
        .decimal(remaining)
        .ascii(" bytes left, a header needs 16");
      return false;
    }
    const declared = load<u32>(this.at);
    if (declared < <u32>NLMSG_HDRLEN || declared > <u32>remaining) {
      lastError
        .malformed(this.offset(this.at))
        .ascii("netlink message declares length ")
        .unsigned(declared)
        .ascii(" but ")
        .decimal(remaining)
        .ascii(" bytes remain (a message needs at least 16)");
      return false;
    }
    this.start = this.at;
    this.type = load<u16>(this.at + 4);
    this.flags = load<u16>(this.at + 6);
    this.payload = this.at + <usize>NLMSG_HDRLEN;
    this.payloadLength = <i32>declared - NLMSG_HDRLEN;
    this.at += <usize>((declared + 3) & ~3);
    if (this.at > this.end) this.at = this.end;
    return true;
  }

  /** Checks that the payload holds the family header; reports where it falls short. */
  hasHeader(size: i32, name: string): bool {
    if (this.payloadLength >= size) return true;
    lastError
      .malformed(this.offset(this.start))
      .ascii(name)
      .ascii(" message has a ")
      .decimal(this.payloadLength)
      .ascii("-byte payload, shorter than its ")
      .decimal(size)
      .ascii("-byte header");
    return false;
  }

  @inline offset(at: usize): i32 {
    return <i32>(at - this.base);
  }

  @inline get inputBase(): usize {
    return this.base;
  }
}
