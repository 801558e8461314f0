// Reads a stream of netlink attributes (TLVs). The first structural error stops the walk
// and is recorded with its byte offset; callers check `failed` once after their loop.
// Kernel attributes keep their type as sent, flag bits included, because the Go library
// compares them unmasked (a flagged IFLA_MTU is not IFLA_MTU to it); katanet's own
// records set NLA_F_NESTED on nests, so their reader drops the flags.
import { lastError } from "../errors";
import { NLA_HDRLEN, NLA_TYPE_MASK } from "./constants";

export class AttributeReader {
  type: u16 = 0;
  value: usize = 0;
  length: i32 = 0;
  private at: usize = 0;
  private end: usize = 0;
  private base: usize = 0; // start of the whole input, for error offsets
  private typeMask: u16 = 0xffff;

  /** Starts reading attributes in [start, end); `base` is where input offsets count from. */
  reset(start: usize, end: usize, base: usize, dropFlags: bool = false): AttributeReader {
    this.at = start;
    this.end = end;
    this.base = base;
    this.typeMask = dropFlags ? NLA_TYPE_MASK : 0xffff;
    return this;
  }

  @inline next(): bool {
    if (lastError.failed) return false;
    // Go's parsers ignore a tail shorter than an attribute header; so do we.
    if (this.end - this.at < <usize>NLA_HDRLEN) return false;
    const declared = <i32>load<u16>(this.at);
    if (declared < NLA_HDRLEN || <usize>declared > this.end - this.at) {
      lastError
        .malformed(<i32>(this.at - this.base))
        .ascii("attribute type ")
        .decimal(load<u16>(this.at + 2) & NLA_TYPE_MASK)
        .ascii(" declares length ")
        .decimal(declared)
        .ascii(" but ")
        .decimal(<i64>(this.end - this.at))
        .ascii(" bytes remain");
      return false;
    }
    this.type = load<u16>(this.at + 2) & this.typeMask;
    this.value = this.at + <usize>NLA_HDRLEN;
    this.length = declared - NLA_HDRLEN;
    this.at += <usize>((declared + 3) & ~3);
    if (this.at > this.end) this.at = this.end; // the last attribute may go unpadded
    return true;
  }

  /** A fixed-size value; a shorter one is malformed (Go would panic on it). */
  u32(name: string): u32 {
    if (!this.needs(4, name)) return 0;
    return load<u32>(this.value);
  }

  u8(name: string): u8 {
    if (!this.needs(1, name)) return 0;
    return load<u8>(this.value);
  }

  @inline offsetOfValue(): i32 {
    return <i32>(this.value - this.base);
  }

  private needs(size: i32, name: string): bool {
    if (this.length >= size) return true;
    lastError
      .malformed(<i32>(this.value - this.base) - NLA_HDRLEN)
      .ascii(name)
      .ascii(" has ")
      .decimal(this.length)
      .ascii(" bytes, needs ")
      .decimal(size);
    return false;
  }
}
