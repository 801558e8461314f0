// Decodes a JSON tree into a value described by a Go type, as Go's `json.Unmarshal` fills
// a struct through reflection. What Kata's DAN reader inherits from it, and what this keeps:
// - keys match struct tags case-insensitively (with Go's Kelvin-sign / long-s folding);
//   unknown keys are ignored;
// - a repeated key decodes again into the same value, so for objects the fields merge and a
//   later scalar wins;
// - null leaves strings, numbers and structs untouched and resets slices and pointers;
// - arrays reuse the slice they decode into: elements within its capacity keep what they
//   held (a later `[{}]` does not clear fields an earlier array set), like reflect does;
// - numbers are exact (uint64 as bigint) and must fit the field's Go type;
// - the first wrong JSON type or out-of-range number is reported with Go's
//   UnmarshalTypeError text, naming the innermost struct and the path of JSON field names.

import type { JsonValue } from "./json.ts";

export type GoType =
  | { kind: "string"; name: string }
  | { kind: "uint"; bits: 32 | 64 }
  | { kind: "int" } // Go's int on the 64-bit platforms Kata runs on
  | { kind: "pointer"; elem: GoType }
  | { kind: "slice"; elem: GoType }
  | { kind: "struct"; name: string; fields: GoField[] };

export interface GoField {
  /** The JSON name from the struct tag. */
  tag: string;
  /** The property that holds the field in the decoded object. */
  property: string;
  type: GoType;
}

/** Go's json.UnmarshalTypeError; `offset` is the byte where the offending value starts. */
export class JsonTypeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "JsonTypeError";
  }
}

/** Decodes `json` into the zero value of `type`; slices become arrays, nil pointers null. */
export function decodeGoValue(type: GoType, json: JsonValue): unknown {
  const decoded = decodeInto(type, zeroValue(type), json, { structName: null, fieldPath: [] });
  return materialize(type, decoded);
}

// A slice as reflect sees it: `backing` holds every element up to the capacity.
interface GoSlice {
  backing: unknown[];
  length: number;
  isNil: boolean;
}

interface ErrorContext {
  structName: string | null;
  fieldPath: string[];
}

/** reflect.Type.String() */
function typeName(type: GoType): string {
  switch (type.kind) {
    case "string":
    case "struct":
      return type.name;
    case "uint":
      return `uint${type.bits}`;
    case "int":
      return "int";
    case "pointer":
      return `*${typeName(type.elem)}`;
    case "slice":
      return `[]${typeName(type.elem)}`;
  }
}

function zeroValue(type: GoType): unknown {
  switch (type.kind) {
    case "string":
      return "";
    case "uint":
    case "int":
      return 0n;
    case "pointer":
      return null;
    case "slice":
      return nilSlice();
    case "struct":
      return Object.fromEntries(type.fields.map((f) => [f.property, zeroValue(f.type)]));
  }
}

const nilSlice = (): GoSlice => ({ backing: [], length: 0, isNil: true });

function typeError(what: string, type: GoType, json: JsonValue, context: ErrorContext): JsonTypeError {
  const target =
    context.structName !== null
      ? `Go struct field ${context.structName}.${context.fieldPath.join(".")}`
      : "Go value";
  return new JsonTypeError(`json: cannot unmarshal ${what} into ${target} of type ${typeName(type)}`, json.start);
}

function decodeInto(type: GoType, current: unknown, json: JsonValue, context: ErrorContext): unknown {
  if (json.kind === "null") {
    return type.kind === "pointer" ? null : type.kind === "slice" ? nilSlice() : current;
  }
  switch (type.kind) {
    case "pointer": {
      // Go allocates the pointee on first use and decodes into it afterwards.
      const pointee = current === null ? zeroValue(type.elem) : (current as { value: unknown }).value;
      return { value: decodeInto(type.elem, pointee, json, context) };
    }
    case "string":
      if (json.kind !== "string") throw typeError(json.kind, type, json, context);
      return json.value;
    case "uint":
    case "int":
      return decodeInteger(type, json, context);
    case "slice":
      if (json.kind !== "array") throw typeError(json.kind, type, json, context);
      return decodeArray(type, current as GoSlice, json.items, context);
    case "struct":
      if (json.kind !== "object") throw typeError(json.kind, type, json, context);
      decodeObject(type, current as Record<string, unknown>, json.members, context);
      return current;
  }
}

function decodeInteger(type: Extract<GoType, { kind: "uint" | "int" }>, json: JsonValue, context: ErrorContext): bigint {
  if (json.kind !== "number") throw typeError(json.kind, type, json, context);
  // strconv.ParseUint / ParseInt in base 10: no fraction, exponent or (for uint) sign.
  const integral = type.kind === "uint" ? /^[0-9]+$/ : /^-?[0-9]+$/;
  if (integral.test(json.literal)) {
    const value = BigInt(json.literal);
    const [min, max] = type.kind === "uint" ? [0n, (1n << BigInt(type.bits)) - 1n] : [-(1n << 63n), (1n << 63n) - 1n];
    if (value >= min && value <= max) return value;
  }
  throw typeError(`number ${json.literal}`, type, json, context);
}

function decodeArray(type: Extract<GoType, { kind: "slice" }>, slice: GoSlice, items: JsonValue[], context: ErrorContext): GoSlice {
  if (items.length === 0) return { backing: [], length: 0, isNil: false };
  // reflect decodes element i into whatever the backing array holds there, and only grows
  // (copying everything) when the slice is full, so every element ever decoded survives
  // until a null or [] replaces the slice: the growth policy itself is unobservable.
  const { backing } = slice;
  items.forEach((item, i) => {
    if (i === backing.length) backing.push(zeroValue(type.elem));
    backing[i] = decodeInto(type.elem, backing[i], item, context);
  });
  return { backing, length: items.length, isNil: false };
}

/** Go's field-name folding: ASCII case plus the two non-ASCII runes that fold to ASCII letters. */
function foldKey(key: string): string {
  let folded = "";
  for (const ch of key) {
    if (ch === "\u212a") folded += "k"; // KELVIN SIGN
    else if (ch === "\u017f") folded += "s"; // LATIN SMALL LETTER LONG S
    else if (ch < "\u0080") folded += ch.toLowerCase();
    else folded += ch;
  }
  return folded;
}

function decodeObject(type: Extract<GoType, { kind: "struct" }>, target: Record<string, unknown>, members: { key: string; value: JsonValue }[], context: ErrorContext): void {
  const shortName = type.name.slice(type.name.lastIndexOf(".") + 1); // reflect.Type.Name()
  for (const { key, value } of members) {
    const folded = foldKey(key);
    const field = type.fields.find((f) => f.tag === key) ?? type.fields.find((f) => f.tag === folded);
    if (field === undefined) continue;
    const inner = { structName: shortName, fieldPath: [...context.fieldPath, field.tag] };
    target[field.property] = decodeInto(field.type, target[field.property], value, inner);
  }
}

function materialize(type: GoType, value: unknown): unknown {
  switch (type.kind) {
    case "pointer":
      return value === null ? null : materialize(type.elem, (value as { value: unknown }).value);
    case "slice": {
      const slice = value as GoSlice;
      return slice.isNil ? null : slice.backing.slice(0, slice.length).map((item) => materialize(type.elem, item));
    }
    case "struct":
      return Object.fromEntries(type.fields.map((f) => [f.property, materialize(f.type, (value as Record<string, unknown>)[f.property])]));
    default:
      return value;
  }
}
