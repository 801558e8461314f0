// Go's JSON scanner (encoding/json/scanner.go), state for state: decides whether input is
// JSON exactly as Go does and fails with Go's texts ("invalid character 'ï' looking for
// beginning of value", "unexpected end of JSON input", ...). Go runs it over the whole
// input before decoding anything, so a syntax error anywhere wins over a type error.

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

const MAX_NESTING_DEPTH = 10000; // Go's limit; deeper input is a syntax error

enum Expect {
  ObjectKey,
  ObjectValue,
  ArrayValue,
}

type State = (scanner: Scanner, c: number) => void;

export const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
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
export function findSyntaxError(bytes: Uint8Array): JsonSyntaxError | null {
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
