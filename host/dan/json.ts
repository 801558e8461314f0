// Reads JSON the way Go's `encoding/json` does, for documents Kata would read with
// `json.Unmarshal`. Two passes, like Go's: the whole input is first checked by a byte-level
// scanner that rejects exactly what Go rejects, with Go's error texts (so a BOM, trailing
// data or a truncated literal fail as they do in Kata); only then is a tree built.
// The tree keeps what JSON.parse throws away and Go's decoder depends on: member order,
// repeated keys, and number literals as written (uint64 values beyond 2^53 stay exact).
// Strings are unescaped with Go's rules, including its U+FFFD substitutions.

import { findSyntaxError, isDigit, isSpace, JsonSyntaxError } from "./json-scanner.ts";

export { JsonSyntaxError };

export type JsonValue =
  | { kind: "object"; members: JsonMember[]; start: number; end: number }
  | { kind: "array"; items: JsonValue[]; start: number; end: number }
  | { kind: "string"; value: string; start: number; end: number }
  | { kind: "number"; literal: string; start: number; end: number }
  | { kind: "bool"; value: boolean; start: number; end: number }
  | { kind: "null"; start: number; end: number };

export interface JsonMember {
  key: string;
  value: JsonValue;
}

/** Parses `bytes` (UTF-8 JSON) or throws JsonSyntaxError with Go's message. */
export function readJson(bytes: Uint8Array): JsonValue {
  const failure = findSyntaxError(bytes);
  if (failure) throw failure;
  return new TreeBuilder(bytes).build();
}

// \b \f \n \r \t
const SINGLE_LETTER_ESCAPES: Record<number, number> = { 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 };

const ASCII = new TextDecoder(); // only ever given ASCII bytes here

type Container = Extract<JsonValue, { kind: "object" | "array" }>;

class TreeBuilder {
  private at = 0;
  private readonly open: Container[] = [];
  private pendingKey = "";

  constructor(private readonly bytes: Uint8Array) {}

  // Iterative rather than recursive: Go allows 10000 levels, more than a JS stack may.
  build(): JsonValue {
    let root: JsonValue | undefined;
    this.skipSpace();
    for (;;) {
      const value = this.openValue();
      if (this.open.length === 0) root = value;
      else this.attach(value);
      if (value.kind === "object" || value.kind === "array") {
        this.open.push(value);
        this.skipSpace();
        const first = this.bytes[this.at];
        if (first !== 0x7d && first !== 0x5d) {
          if (value.kind === "object") this.readKeyAndColon();
          continue;
        }
      }
      if (!this.closeFinished()) return root!;
    }
  }

  /** Reads a scalar completely, or only the opening bracket of a container. */
  private openValue(): JsonValue {
    const start = this.at;
    const c = this.bytes[start];
    if (c === 0x7b || c === 0x5b) {
      this.at++;
      return c === 0x7b ? { kind: "object", members: [], start, end: start } : { kind: "array", items: [], start, end: start };
    }
    if (c === 0x22) return { kind: "string", value: this.readString(), start, end: this.at };
    if (c === 0x74 || c === 0x66 || c === 0x6e) {
      this.at += c === 0x66 ? 5 : 4;
      return c === 0x6e ? { kind: "null", start, end: this.at } : { kind: "bool", value: c === 0x74, start, end: this.at };
    }
    while (this.at < this.bytes.length && isNumberByte(this.bytes[this.at])) this.at++;
    return { kind: "number", literal: ASCII.decode(this.bytes.subarray(start, this.at)), start, end: this.at };
  }

  private attach(value: JsonValue): void {
    const parent = this.open[this.open.length - 1];
    if (parent.kind === "array") parent.items.push(value);
    else parent.members.push({ key: this.pendingKey, value });
  }

  /**
   * After a value: closes every container that ends here. Returns true when another value
   * follows (after `,` and, in an object, its key), false when the document is complete.
   */
  private closeFinished(): boolean {
    for (;;) {
      this.skipSpace();
      const parent = this.open[this.open.length - 1];
      if (parent === undefined) return false;
      const c = this.bytes[this.at++];
      if (c === 0x2c) {
        this.skipSpace();
        if (parent.kind === "object") this.readKeyAndColon();
        return true;
      }
      parent.end = this.at; // c is the closing bracket
      this.open.pop();
    }
  }

  private readKeyAndColon(): void {
    this.pendingKey = this.readString();
    this.skipSpace();
    this.at++; // the colon
    this.skipSpace();
  }

  private skipSpace(): void {
    while (this.at < this.bytes.length && isSpace(this.bytes[this.at])) this.at++;
  }

  /** Go's unquote: escapes resolved, bad surrogates and invalid UTF-8 bytes become U+FFFD. */
  private readString(): string {
    const codePoints: number[] = [];
    this.at++; // opening quote
    for (;;) {
      const c = this.bytes[this.at];
      if (c === 0x22) break;
      if (c === 0x5c) {
        codePoints.push(this.readEscape());
      } else if (c < 0x80) {
        codePoints.push(c);
        this.at++;
      } else {
        const [rune, size] = decodeUtf8Rune(this.bytes, this.at);
        codePoints.push(rune);
        this.at += size;
      }
    }
    this.at++; // closing quote
    return codePointsToString(codePoints);
  }

  private readEscape(): number {
    const letter = this.bytes[this.at + 1];
    this.at += 2;
    if (letter !== 0x75) return SINGLE_LETTER_ESCAPES[letter] ?? letter; // \" \\ \/ stand for themselves
    const unit = this.hex4(this.at);
    this.at += 4;
    if (unit < 0xd800 || unit >= 0xe000) return unit;
    // Go pairs a high surrogate only with a directly following \u low surrogate; anything
    // else (lone, reversed) is U+FFFD and the next escape is read on its own.
    const isHigh = unit < 0xdc00;
    if (isHigh && this.bytes[this.at] === 0x5c && this.bytes[this.at + 1] === 0x75) {
      const next = this.hex4(this.at + 2);
      if (next >= 0xdc00 && next < 0xe000) {
        this.at += 6;
        return 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
      }
    }
    return 0xfffd;
  }

  /** The four hex digits of a \\u escape at `from` (the scanner has checked every escape). */
  private hex4(from: number): number {
    return parseInt(ASCII.decode(this.bytes.subarray(from, from + 4)), 16);
  }
}

const isNumberByte = (c: number): boolean =>
  isDigit(c) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

/**
 * Go's utf8.DecodeRune: a well-formed sequence gives its rune; anything else (bad lead or
 * continuation, overlong, surrogate, > U+10FFFF) gives U+FFFD for one byte only.
 */
function decodeUtf8Rune(bytes: Uint8Array, at: number): [number, number] {
  const lead = bytes[at];
  const cont = (offset: number, low = 0x80, high = 0xbf): number => {
    const b = bytes[at + offset];
    return b !== undefined && b >= low && b <= high ? b & 0x3f : -1;
  };
  const invalid: [number, number] = [0xfffd, 1];
  if (lead >= 0xc2 && lead <= 0xdf) {
    const b1 = cont(1);
    return b1 < 0 ? invalid : [((lead & 0x1f) << 6) | b1, 2];
  }
  if (lead >= 0xe0 && lead <= 0xef) {
    const b1 = lead === 0xe0 ? cont(1, 0xa0) : lead === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    const b2 = cont(2);
    return b1 < 0 || b2 < 0 ? invalid : [((lead & 0x0f) << 12) | (b1 << 6) | b2, 3];
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const b1 = lead === 0xf0 ? cont(1, 0x90) : lead === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    const b2 = cont(2);
    const b3 = cont(3);
    return b1 < 0 || b2 < 0 || b3 < 0 ? invalid : [((lead & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3, 4];
  }
  return invalid;
}

function codePointsToString(codePoints: number[]): string {
  let text = "";
  const CHUNK = 8192; // keeps String.fromCodePoint's argument list small
  for (let i = 0; i < codePoints.length; i += CHUNK) {
    text += String.fromCodePoint(...codePoints.slice(i, i + CHUNK));
  }
  return text;
}
