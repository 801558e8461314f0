// Reads JSON the way Go's `encoding/json` does, for documents Kata would read with
// `json.Unmarshal`. Two passes, like Go's: the whole input is first checked by a byte-level
// scanner that rejects exactly what Go rejects, with Go's error texts (so a BOM, trailing
// data or a truncated literal fail as they do in Kata); only then is a tree built.
// The tree keeps what JSON.parse throws away and Go's decoder depends on: member order,
// repeated keys, and number literals as written (uint64 values beyond 2^53 stay exact).
// Strings are unescaped with Go's rules, including its U+FFFD substitutions.

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

/** Go's json.SyntaxError: `message` is Go's text, `offset` the byte where reading stopped. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

/** Parses `bytes` (UTF-8 JSON) or throws JsonSyntaxError with Go's message. */
export function readJson(bytes: Uint8Array): JsonValue {
  const failure = findSyntaxError(bytes);
  if (failure) throw failure;
  return new TreeBuilder(bytes).build();
}

// ---- Pass 1: Go's scanner (encoding/json/scanner.go), state for state. ----

const MAX_NESTING_DEPTH = 10000; // Go's limit; deeper input is a syntax error

enum Expect {
  ObjectKey,
  ObjectValue,
  ArrayValue,
}

type State = (scanner: Scanner, c: number) => void;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHexDigit = (c: number): boolean =>
  isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

// strconv.Quote's short escapes.
const QUOTED_CONTROL_CHARS: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 0x5c: "\\\\" };

/** Go's quoteChar: how a byte is shown in "invalid character ..." (the byte read as a rune). */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const named = QUOTED_CONTROL_CHARS[c];
  if (named !== undefined) return `'${named}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  // strconv.Quote escapes the Latin-1 characters Go does not consider printable.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u${c.toString(16).padStart(4, "0")}'`;
  return `'${String.fromCharCode(c)}'`;
}

class Scanner {
  step: State = beginValue;
  readonly expecting: Expect[] = [];
  endTop = false;
  error: string | null = null;

  fail(c: number, context: string): void {
    this.error = `invalid character ${quoteChar(c)} ${context}`;
    this.step = () => {};
  }

  push(c: number, expect: Expect): void {
    this.expecting.push(expect);
    if (this.expecting.length > MAX_NESTING_DEPTH) this.fail(c, "exceeded max depth");
  }

  pop(): void {
    this.expecting.pop();
    if (this.expecting.length === 0) {
      this.step = endTop;
      this.endTop = true;
    } else {
      this.step = endValue;
    }
  }
}

function beginValue(s: Scanner, c: number): void {
  if (isSpace(c)) return;
  switch (c) {
    case 0x7b: // {
      s.step = beginStringOrEmpty;
      return s.push(c, Expect.ObjectKey);
    case 0x5b: // [
      s.step = beginValueOrEmpty;
      return s.push(c, Expect.ArrayValue);
    case 0x22:
      s.step = inString;
      return;
    case 0x2d: // -
      s.step = negative;
      return;
    case 0x30:
      s.step = zero;
      return;
    case 0x74:
      s.step = literalState("true", 1);
      return;
    case 0x66:
      s.step = literalState("false", 1);
      return;
    case 0x6e:
      s.step = literalState("null", 1);
      return;
  }
  if (c >= 0x31 && c <= 0x39) {
    s.step = nonZeroDigits;
    return;
  }
  s.fail(c, "looking for beginning of value");
}

function beginValueOrEmpty(s: Scanner, c: number): void {
  if (isSpace(c)) return;
  if (c === 0x5d) return endValue(s, c);
  beginValue(s, c);
}

function beginStringOrEmpty(s: Scanner, c: number): void {
  if (isSpace(c)) return;
  if (c === 0x7d) {
    s.expecting[s.expecting.length - 1] = Expect.ObjectValue;
    return endValue(s, c);
  }
  beginString(s, c);
}

function beginString(s: Scanner, c: number): void {
  if (isSpace(c)) return;
  if (c === 0x22) {
    s.step = inString;
    return;
  }
  s.fail(c, "looking for beginning of object key string");
}

function endValue(s: Scanner, c: number): void {
  const depth = s.expecting.length;
  if (depth === 0) {
    s.step = endTop;
    s.endTop = true;
    return endTop(s, c);
  }
  if (isSpace(c)) {
    s.step = endValue;
    return;
  }
  switch (s.expecting[depth - 1]) {
    case Expect.ObjectKey:
      if (c === 0x3a) {
        s.expecting[depth - 1] = Expect.ObjectValue;
        s.step = beginValue;
        return;
      }
      return s.fail(c, "after object key");
    case Expect.ObjectValue:
      if (c === 0x2c) {
        s.expecting[depth - 1] = Expect.ObjectKey;
        s.step = beginString;
        return;
      }
      if (c === 0x7d) return s.pop();
      return s.fail(c, "after object key:value pair");
    case Expect.ArrayValue:
      if (c === 0x2c) {
        s.step = beginValue;
        return;
      }
      if (c === 0x5d) return s.pop();
      return s.fail(c, "after array element");
  }
}

function endTop(s: Scanner, c: number): void {
  if (!isSpace(c)) s.fail(c, "after top-level value");
}

function inString(s: Scanner, c: number): void {
  if (c === 0x22) s.step = endValue;
  else if (c === 0x5c) s.step = inStringEscape;
  else if (c < 0x20) s.fail(c, "in string literal");
}

function inStringEscape(s: Scanner, c: number): void {
  if ('bfnrt\\/"'.includes(String.fromCharCode(c))) s.step = inString;
  else if (c === 0x75) s.step = unicodeEscapeDigit(4);
  else s.fail(c, "in string escape code");
}

function unicodeEscapeDigit(remaining: number): State {
  return (s, c) => {
    if (!isHexDigit(c)) return s.fail(c, "in \\u hexadecimal character escape");
    s.step = remaining === 1 ? inString : unicodeEscapeDigit(remaining - 1);
  };
}

function negative(s: Scanner, c: number): void {
  if (c === 0x30) s.step = zero;
  else if (c >= 0x31 && c <= 0x39) s.step = nonZeroDigits;
  else s.fail(c, "in numeric literal");
}

function nonZeroDigits(s: Scanner, c: number): void {
  if (isDigit(c)) return;
  zero(s, c);
}

function zero(s: Scanner, c: number): void {
  if (c === 0x2e) s.step = afterDot;
  else if (c === 0x65 || c === 0x45) s.step = exponent;
  else endValue(s, c);
}

function afterDot(s: Scanner, c: number): void {
  if (isDigit(c)) s.step = fractionDigits;
  else s.fail(c, "after decimal point in numeric literal");
}

function fractionDigits(s: Scanner, c: number): void {
  if (isDigit(c)) return;
  if (c === 0x65 || c === 0x45) s.step = exponent;
  else endValue(s, c);
}

function exponent(s: Scanner, c: number): void {
  if (c === 0x2b || c === 0x2d) s.step = exponentSign;
  else exponentSign(s, c);
}

function exponentSign(s: Scanner, c: number): void {
  if (isDigit(c)) s.step = exponentDigits;
  else s.fail(c, "in exponent of numeric literal");
}

function exponentDigits(s: Scanner, c: number): void {
  if (!isDigit(c)) endValue(s, c);
}

/** After the first `matched` letters of true/false/null: the next letter or an error. */
function literalState(word: string, matched: number): State {
  const expected = word.charCodeAt(matched);
  return (s, c) => {
    if (c !== expected) return s.fail(c, `in literal ${word} (expecting '${word[matched]}')`);
    s.step = matched + 1 === word.length ? endValue : literalState(word, matched + 1);
  };
}

/** Go's checkValid: the first syntax error, or null. Go feeds a space at the end of input. */
function findSyntaxError(bytes: Uint8Array): JsonSyntaxError | null {
  const scanner = new Scanner();
  for (let i = 0; i < bytes.length; i++) {
    scanner.step(scanner, bytes[i]);
    if (scanner.error !== null) return new JsonSyntaxError(scanner.error, i);
  }
  if (scanner.endTop) return null;
  // A value cut short at the end (`tru`, `1.`) fails on this space with its own message.
  scanner.step(scanner, 0x20);
  if (scanner.endTop) return null;
  return new JsonSyntaxError(scanner.error ?? "unexpected end of JSON input", bytes.length);
}

// ---- Pass 2: the tree, over input the scanner accepted. ----

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
