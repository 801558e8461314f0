// What a generator hands the campaign: the bytes, and what is known about them.

/** Where a rejection must point, when a generator knows where it broke the input. */
export type OffsetExpectation =
  /** The error must be at this byte (a message or attribute header that lies). */
  | { exactly: number }
  /** Everything before `from` is intact, so an error there would be a wrong offset. */
  | { from: number };

export interface FuzzCase {
  family: string;
  input: Uint8Array;
  keepGoing: boolean;
  expect?: OffsetExpectation;
  /** Set for inputs that stay valid: the reference must give the same bytes. */
  reference?: { stream: Uint8Array; pciPaths: Record<string, string> };
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}

export function u16le(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff]);
}

export function u32le(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]);
}
