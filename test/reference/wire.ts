// Protobuf wire primitives for a hand-written encoder, in one pass: a length-delimited
// field reserves one length byte, its body is written in place, and the length is
// patched in afterwards (the body moves only in the rare case of 128 bytes or more).

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

const textEncoder = new TextEncoder();

function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

export class WireWriter {
  private buffer: Uint8Array;
  private position = 0;

  constructor(capacity = 1024) {
    this.buffer = new Uint8Array(capacity);
  }

  private ensure(additional: number): void {
    if (this.position + additional <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.position + additional));
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
  }

  /** Negative values are written as 64-bit two's complement (10 bytes), as Go writes a
   * negative int32 or a uint64 converted from a negative int. */
  varint(value: number): void {
    this.ensure(10);
    if (value < 0) {
      let rest = BigInt.asUintN(64, BigInt(value));
      while (rest >= 0x80n) {
        this.buffer[this.position++] = Number(rest & 0x7fn) | 0x80;
        rest >>= 7n;
      }
      this.buffer[this.position++] = Number(rest);
      return;
    }
    while (value >= 0x80) {
      this.buffer[this.position++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.position++] = value;
  }

  /** A proto3 scalar field; the zero value is left out, as Go does. */
  varintField(field: number, value: number): void {
    if (value === 0) return;
    this.varint((field << 3) | WIRE_VARINT);
    this.varint(value);
  }

  /** Starts a length-delimited field; returns what `endDelimited` needs. */
  beginDelimited(field: number): number {
    this.varint((field << 3) | WIRE_LENGTH_DELIMITED);
    this.ensure(1);
    return ++this.position;
  }

  endDelimited(bodyStart: number): void {
    const length = this.position - bodyStart;
    if (length < 0x80) {
      this.buffer[bodyStart - 1] = length;
      return;
    }
    const extra = varintLength(length) - 1;
    this.ensure(extra);
    this.buffer.copyWithin(bodyStart + extra, bodyStart, this.position);
    this.position = bodyStart - 1;
    this.varint(length);
    this.position += length;
  }

  /** A proto3 string field; the empty string is left out. */
  stringField(field: number, text: string): void {
    if (text.length === 0) return;
    const bodyStart = this.beginDelimited(field);
    this.ensure(text.length * 3);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.position += textEncoder.encodeInto(text.slice(i), this.buffer.subarray(this.position)).written;
        break;
      }
      this.buffer[this.position++] = code;
    }
    this.endDelimited(bodyStart);
  }

  /** A length-delimited field holding already encoded bytes (an embedded message). */
  bytesField(field: number, bytes: Uint8Array): void {
    this.varint((field << 3) | WIRE_LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
  }

  /** Everything written so far, copied out; the writer starts over. */
  take(): Uint8Array {
    const bytes = this.buffer.slice(0, this.position);
    this.position = 0;
    return bytes;
  }
}
