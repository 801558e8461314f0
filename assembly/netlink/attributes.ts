// Reads a stream of netlink attributes (TLVs). The first structural error stops the walk
// and is recorded with its byte offset; callers check `failed` once after their loop.
// Kernel attributes keep their type as sent, flag bits included, because the Go library
// compares them unmasked (a flagged IFLA_MTU is not IFLA_MTU to it); katanet's own
// records set NLA_F_NESTED on nests, so their reader drops the flags.
//
// The walk is a set of inline functions over the attribute's own position, so a hot
// decoder keeps that position in a local:
//
//   for (let at = start; attributeAt(at, end, base); at = afterAttribute(at, end)) { ... }
//
// (Wasm locals stay in registers; the fields of an object live in linear memory, and V8
// reloads and stores them at every step.) `AttributeReader` wraps the same functions for
// the cold decoders, where a reader object reads more easily.
import { lastError } from "../errors";
import { NLA_HDRLEN, NLA_TYPE_MASK } from "./constants";

/** True when a whole attribute starts at `at`; false at the end of [at, end) or on an error (recorded). */
@inline export function attributeAt(at: usize, end: usize, base: usize): bool {
  if (lastError.failed) return false;
  // Go's parsers ignore a tail shorter than an attribute header; so do we.
  if (end - at < <usize>NLA_HDRLEN) return false;
  const declared = <usize>load<u16>(at);
  if (declared < <usize>NLA_HDRLEN || declared > end - at) {
    badAttributeLength(at, end, base);
    return false;
  }
  return true;
}

/** The type as sent (flag bits included). */
@inline export function attributeType(at: usize): u16 {
  return load<u16>(at, 2);
}

@inline export function attributeValue(at: usize): usize {
  return at + <usize>NLA_HDRLEN;
}

@inline export function attributeLength(at: usize): i32 {
  return <i32>load<u16>(at) - NLA_HDRLEN;
}

/** Where the next attribute starts; the last one may go unpadded. */
@inline export function afterAttribute(at: usize, end: usize): usize {
  return min(at + ((<usize>load<u16>(at) + 3) & ~3), end);
}

/** A fixed-size u32 value; a shorter one is malformed (Go would panic on it). */
export function attributeU32(at: usize, base: usize, name: string): u32 {
  if (!attributeNeeds(at, base, 4, name)) return 0;
  return load<u32>(at, NLA_HDRLEN);
}

export function attributeU8(at: usize, base: usize, name: string): u8 {
  if (!attributeNeeds(at, base, 1, name)) return 0;
  return load<u8>(at, NLA_HDRLEN);
}

function attributeNeeds(at: usize, base: usize, size: i32, name: string): bool {
  const length = attributeLength(at);
  if (length >= size) return true;
  lastError
    .malformed(<i32>(at - base))
    .ascii(name)
    .ascii(" has ")
    .decimal(length)
    .ascii(" bytes, needs ")
    .decimal(size);
  return false;
}

function badAttributeLength(at: usize, end: usize, base: usize): void {
  lastError
    .malformed(<i32>(at - base))
    .ascii("attribute type ")
    .decimal(load<u16>(at + 2) & NLA_TYPE_MASK)
    .ascii(" declares length ")
    .decimal(load<u16>(at))
    .ascii(" but ")
    .decimal(<i64>(end - at))
    .ascii(" bytes remain");
}

export class AttributeReader {
  type: u16 = 0;
  value: usize = 0;
  length: i32 = 0;
  private at: usize = 0; // the current attribute
  private following: usize = 0; // the next one
  private end: usize = 0;
  private base: usize = 0; // start of the whole input, for error offsets
  private typeMask: u16 = 0xffff;

  /** Starts reading attributes in [start, end); `base` is where input offsets count from. */
  reset(start: usize, end: usize, base: usize, dropFlags: bool = false): AttributeReader {
    this.following = start;
    this.end = end;
    this.base = base;
    this.typeMask = dropFlags ? NLA_TYPE_MASK : 0xffff;
    return this;
  }

  next(): bool {
    const at = this.following;
    if (!attributeAt(at, this.end, this.base)) return false;
    this.at = at;
    this.type = attributeType(at) & this.typeMask;
    this.value = attributeValue(at);
    this.length = attributeLength(at);
    this.following = afterAttribute(at, this.end);
    return true;
  }

  u32(name: string): u32 {
    return attributeU32(this.at, this.base, name);
  }

  u8(name: string): u8 {
    return attributeU8(this.at, this.base, name);
  }

  @inline offsetOfValue(): i32 {
    return <i32>(this.value - this.base);
  }
}
