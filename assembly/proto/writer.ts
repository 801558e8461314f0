// Protobuf wire writer over a window of Wasm memory. The converter reserves room for a
// whole element before writing it (see kata/bounds.ts), so single writes do not check.
// Field order, proto3 defaults left out, and negative int32 as ten-byte varints match
// Go's deterministic marshalling.

export const WIRE_VARINT: u32 = 0;
export const WIRE_BYTES: u32 = 2;

export class Writer {
  pos: usize = 0;

  @inline byte(value: u32): void {
    store<u8>(this.pos++, <u8>value);
  }

  varint(value: u64): void {
    while (value >= 0x80) {
      this.byte(<u32>(value & 0x7f) | 0x80);
      value >>= 7;
    }
    this.byte(<u32>value);
  }

  @inline tag(field: u32, wire: u32): void {
    this.varint((<u64>field << 3) | wire);
  }

  bytes(ptr: usize, length: i32): void {
    const pos = this.pos;
    // Names and MACs are short; a bulk copy costs more than a few loads and stores there.
    if (length <= 16) {
      for (let i: usize = 0; i < <usize>length; i++) store<u8>(pos + i, load<u8>(ptr + i));
    } else {
      memory.copy(pos, ptr, <usize>length);
    }
    this.pos = pos + <usize>length;
  }

  /** A string field from bytes already in memory; proto3 leaves an empty one out. */
  stringField(field: u32, ptr: usize, length: i32): void {
    if (length <= 0) return;
    this.tag(field, WIRE_BYTES);
    this.varint(<u64>length);
    this.bytes(ptr, length);
  }

  uintField(field: u32, value: u64): void {
    if (value == 0) return;
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  /** int32 and enums: negative values are sign-extended to 64 bits on the wire. */
  intField(field: u32, value: i32): void {
    if (value == 0) return;
    this.tag(field, WIRE_VARINT);
    this.varint(<u64>(<i64>value));
  }

  /**
   * Opens a length-delimited field whose length is not known yet. One byte is kept for
   * the length; `close` moves the content when the length needs more.
   */
  open(field: u32): usize {
    this.tag(field, WIRE_BYTES);
    this.pos++;
    return this.pos;
  }

  close(contentStart: usize): void {
    const length = this.pos - contentStart;
    if (length < 0x80) {
      store<u8>(contentStart - 1, <u8>length);
      return;
    }
    const extra = varintSize(<u64>length) - 1;
    memory.copy(contentStart + extra, contentStart, length);
    this.pos = contentStart - 1;
    this.varint(<u64>length);
    this.pos += length;
  }

  /** Closes a string field that may be empty: proto3 then leaves the whole field out. */
  closeOmittingEmpty(contentStart: usize, tagStart: usize): void {
    if (this.pos == contentStart) this.pos = tagStart;
    else this.close(contentStart);
  }
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
