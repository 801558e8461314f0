// Protobuf wire primitives for a hand-written encoder: varints, length-delimited fields
// and UTF-8 strings written into one growing buffer.

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

const textEncoder = new TextEncoder();

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code < 0xdc00;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code < 0xe000;

/** UTF-8 bytes of `text` as TextEncoder writes them (a lone surrogate becomes U+FFFD). */
export function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes.
      length += 2;
      i++;
    } else length += 2;
  }
  return length;
}

/** Bytes of `value` as a varint; negative values are 64-bit two's complement (10 bytes),
 * as Go writes a negative int32 or a uint64 converted from a negative int. */
export function varintLength(value: number): number {
  if (value < 0) return 10;
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

export const stringFieldLength = (text: string): number => {
  if (text.length === 0) return 0;
  const length = utf8Length(text);
  return 1 + varintLength(length) + length;
};

export const varintFieldLength = (value: number): number => (value === 0 ? 0 : 1 + varintLength(value));

export const messageFieldLength = (length: number): number => 1 + varintLength(length) + length;

export class WireWriter {
  private buffer: Uint8Array;
  private position = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(capacity, 16));
  }

  private ensure(additional: number): void {
    if (this.position + additional <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.position + additional));
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
  }

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

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** Writes a proto3 scalar field, leaving out the zero value as Go does. */
  varintField(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  stringField(field: number, text: string): void {
    if (text.length === 0) return;
    const length = utf8Length(text);
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(length);
    this.ensure(length);
    if (length === text.length) {
      for (let i = 0; i < length; i++) this.buffer[this.position + i] = text.charCodeAt(i);
    } else {
      textEncoder.encodeInto(text, this.buffer.subarray(this.position));
    }
    this.position += length;
  }

  /** Starts an embedded message whose encoded length is already known. */
  messageHeader(field: number, length: number): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(length);
  }

  /** Everything written, as a view of the writer's buffer. */
  written(): Uint8Array {
    return this.buffer.subarray(0, this.position);
  }
}
