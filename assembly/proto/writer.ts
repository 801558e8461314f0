// Protobuf wire writer over a window of Wasm memory. The converter reserves room for a
// whole element before writing it (see the bounds in kata/convert.ts), so single writes
// do not check. Field order, proto3 defaults left out, and negative int32 as ten-byte
// varints match Go's deterministic marshalling.
//
// Every write is a function of the write position that returns the next one (`...At`).
// Hot element writers keep the position in a local and store `out.pos` once per element:
// `out` lives in linear memory, and V8 reloads and stores its field at every byte.
// The `Writer` methods are the same writes through `out.pos`, for cold callers.

export const WIRE_VARINT: u32 = 0;
export const WIRE_BYTES: u32 = 2;

@inline export function byteAt(value: u32, pos: usize): usize {
  store<u8>(pos, <u8>value);
  return pos + 1;
}

/** Tags, lengths and most numbers take one byte: that case is inline, the rest a call. */
@inline export function varintAt(value: u64, pos: usize): usize {
  if (value < 0x80) return byteAt(<u32>value, pos);
  return longVarintAt(value, pos);
}

function longVarintAt(value: u64, pos: usize): usize {
  while (value >= 0x80) {
    store<u8>(pos++, <u8>(value & 0x7f) | 0x80);
    value >>= 7;
  }
  return byteAt(<u32>value, pos);
}

@inline export function tagAt(field: u32, wire: u32, pos: usize): usize {
  return varintAt((<u64>field << 3) | wire, pos);
}

export function bytesAt(ptr: usize, length: i32, pos: usize): usize {
  // Names and MACs are short; a bulk copy costs more than a few loads and stores there.
  if (length <= 16) {
    for (let i: usize = 0; i < <usize>length; i++) store<u8>(pos + i, load<u8>(ptr + i));
  } else {
    memory.copy(pos, ptr, <usize>length);
  }
  return pos + <usize>length;
}

/** A string field from bytes already in memory; proto3 leaves an empty one out. */
export function stringFieldAt(field: u32, ptr: usize, length: i32, pos: usize): usize {
  if (length <= 0) return pos;
  pos = tagAt(field, WIRE_BYTES, pos);
  pos = varintAt(<u64>length, pos);
  return bytesAt(ptr, length, pos);
}

@inline export function uintFieldAt(field: u32, value: u64, pos: usize): usize {
  if (value == 0) return pos;
  return varintAt(value, tagAt(field, WIRE_VARINT, pos));
}

/** int32 and enums: negative values are sign-extended to 64 bits on the wire. */
@inline export function intFieldAt(field: u32, value: i32, pos: usize): usize {
  if (value == 0) return pos;
  return varintAt(<u64>(<i64>value), tagAt(field, WIRE_VARINT, pos));
}

/**
 * Opens a length-delimited field whose length is not known yet; returns where its
 * content starts (the position to write at, and what `closeAt` takes). One byte is kept
 * for the length; `closeAt` moves the content when the length needs more.
 */
@inline export function openAt(field: u32, pos: usize): usize {
  return tagAt(field, WIRE_BYTES, pos) + 1;
}

/** Closes the field whose content runs from `contentStart` to `pos`; returns the position after it. */
@inline export function closeAt(contentStart: usize, pos: usize): usize {
  const length = pos - contentStart;
  if (length < 0x80) {
    store<u8>(contentStart - 1, <u8>length);
    return pos;
  }
  return closeLongAt(contentStart, length);
}

function closeLongAt(contentStart: usize, length: usize): usize {
  const extra = varintSize(<u64>length) - 1;
  memory.copy(contentStart + extra, contentStart, length);
  return varintAt(<u64>length, contentStart - 1) + length;
}

export class Writer {
  pos: usize = 0;

  @inline byte(value: u32): void {
    this.pos = byteAt(value, this.pos);
  }

  varint(value: u64): void {
    this.pos = varintAt(value, this.pos);
  }

  @inline tag(field: u32, wire: u32): void {
    this.pos = tagAt(field, wire, this.pos);
  }

  bytes(ptr: usize, length: i32): void {
    this.pos = bytesAt(ptr, length, this.pos);
  }

  stringField(field: u32, ptr: usize, length: i32): void {
    this.pos = stringFieldAt(field, ptr, length, this.pos);
  }

  uintField(field: u32, value: u64): void {
    this.pos = uintFieldAt(field, value, this.pos);
  }

  intField(field: u32, value: i32): void {
    this.pos = intFieldAt(field, value, this.pos);
  }

  /** See `openAt`: returns where the content starts, for `close`. */
  open(field: u32): usize {
    this.pos = openAt(field, this.pos);
    return this.pos;
  }

  close(contentStart: usize): void {
    this.pos = closeAt(contentStart, this.pos);
  }

}

/** The size of a length-delimited field written earlier at `at` (a one-byte tag, as list
 * elements have), to copy it whole. */
@inline export function writtenFieldSize(at: usize): i32 {
  const length = <i32>load<u8>(at + 1);
  return length < 0x80 ? 2 + length : longWrittenFieldSize(at);
}

function longWrittenFieldSize(at: usize): i32 {
  let length: i32 = 0;
  let pos = at + 1;
  for (let shift = 0; ; shift += 7) {
    const byte = <i32>load<u8>(pos++);
    length |= (byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  return <i32>(pos - at) + length;
}

export function varintSize(value: u64): usize {
  let size: usize = 1;
  while (value >= 0x80) {
    value >>= 7;
    size++;
  }
  return size;
}

export const out = new Writer();
