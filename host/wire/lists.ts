// The agent's list messages (Interfaces, Routes, ARPNeighbors) and the requests that wrap
// them all hold their content as field 1. These helpers split such a list into its
// elements and put elements back behind a field-1 header, without decoding anything.

export interface ListElement {
  /** Tag, length and body: an element of the list, or a whole one-field message. */
  whole: Uint8Array;
  body: Uint8Array;
}

/** Splits a list into its repeated-field elements (tag 0x0a, varint length, body). */
export function elementsOf(list: Uint8Array): ListElement[] {
  const elements: ListElement[] = [];
  let at = 0;
  while (at < list.length) {
    const start = at++;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = list[at++];
      length += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    elements.push({ whole: list.subarray(start, at + length), body: list.subarray(at, at + length) });
    at += length;
  }
  return elements;
}

/** Tag and length of a field-1 message holding `length` bytes. */
export function field1Header(length: number): Uint8Array {
  const header = [0x0a];
  while (length >= 0x80) {
    header.push((length & 0x7f) | 0x80);
    length = Math.floor(length / 128);
  }
  header.push(length);
  return Uint8Array.from(header);
}

/** The parts, one after the other, behind a field-1 header: a list wrapped in its request. */
export function wrapInField1(parts: readonly Uint8Array[]): { message: Uint8Array; list: Uint8Array } {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const header = field1Header(total);
  const message = new Uint8Array(header.length + total);
  message.set(header);
  let at = header.length;
  for (const part of parts) {
    message.set(part, at);
    at += part.length;
  }
  return { message, list: message.subarray(header.length) };
}
