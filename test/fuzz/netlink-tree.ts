// A valid netlink stream as an editable tree (messages, attributes, the nested attributes
// the core reads), and back to bytes. Mutations that must keep an input valid edit the
// tree; mutations that make it lie edit the bytes at the offsets recorded here.

import { defaultCore } from "../../host/default-core.ts";

const NLMSG_HDRLEN = 16;
const NLA_HDRLEN = 4;
const align4 = (n: number): number => (n + 3) & ~3;

export const RTM_NEWLINK = 16;
export const RTM_NEWADDR = 20;
export const RTM_NEWROUTE = 24;
export const RTM_NEWNEIGH = 28;
/** The core's private record numbers (assembly/input/record-types.ts), from the module itself. */
export const RECORDS = defaultCore().abi;
export const KATANET_ENDPOINT = RECORDS.KATANET_ENDPOINT;

/** Family header sizes; private records (0x7f..) have none. */
const FAMILY_HEADER: Record<number, number> = { [RTM_NEWLINK]: 16, [RTM_NEWADDR]: 8, [RTM_NEWROUTE]: 12, [RTM_NEWNEIGH]: 12 };

export interface Attribute {
  type: number;
  /** Where its header is in the parsed stream. */
  at: number;
  value: Uint8Array;
  /** Present for the nested attributes the core walks into. */
  children?: Attribute[];
}

export interface Message {
  type: number;
  flags: number;
  /** nlmsg_seq and nlmsg_pid: no decoder reads them, kept so a round trip is exact. */
  seq: number;
  pid: number;
  /** Where its header is in the parsed stream. */
  at: number;
  length: number;
  familyHeader: Uint8Array;
  attributes: Attribute[];
}

/** Attribute types the core reads as nested, by message type and the enclosing types. */
function isNested(messageType: number, path: readonly number[], type: number): boolean {
  const key = [messageType, ...path, type].join("/");
  return NESTED.has(key);
}

const NESTED = new Set([
  `${RTM_NEWLINK}/18`, // IFLA_LINKINFO
  `${RTM_NEWLINK}/18/2`, // IFLA_INFO_DATA
  `${RTM_NEWROUTE}/8`, // RTA_METRICS
  `${KATANET_ENDPOINT}/${RECORDS.RECORD_ENDPOINT_ADDR}`,
  `${KATANET_ENDPOINT}/${RECORDS.RECORD_ENDPOINT_ROUTE}`,
  `${KATANET_ENDPOINT}/${RECORDS.RECORD_ENDPOINT_ROUTE}/${RECORDS.RECORD_ROUTE_DST}`,
  `${KATANET_ENDPOINT}/${RECORDS.RECORD_ENDPOINT_NEIGH}`,
]);

export function familyHeaderSize(type: number): number {
  return FAMILY_HEADER[type] ?? 0;
}

/** Parses a stream the core would accept structurally; throws on anything else. */
export function parseStream(bytes: Uint8Array): Message[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: Message[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = view.getUint32(at, true);
    if (length < NLMSG_HDRLEN || at + length > bytes.length) throw new Error(`not a valid stream at byte ${at}`);
    const type = view.getUint16(at + 4, true);
    const headerSize = familyHeaderSize(type);
    const payload = at + NLMSG_HDRLEN;
    messages.push({
      type,
      flags: view.getUint16(at + 6, true),
      seq: view.getUint32(at + 8, true),
      pid: view.getUint32(at + 12, true),
      at,
      length,
      familyHeader: bytes.slice(payload, payload + headerSize),
      attributes: parseAttributes(bytes, view, payload + align4(headerSize), at + length, type, []),
    });
    at += align4(length);
  }
  return messages;
}

function parseAttributes(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  messageType: number,
  path: number[],
): Attribute[] {
  const attributes: Attribute[] = [];
  let at = start;
  while (end - at >= NLA_HDRLEN) {
    const length = view.getUint16(at, true);
    if (length < NLA_HDRLEN || at + length > end) throw new Error(`not a valid attribute at byte ${at}`);
    const type = view.getUint16(at + 2, true);
    const attribute: Attribute = { type, at, value: bytes.slice(at + NLA_HDRLEN, at + length) };
    if (isNested(messageType, path, type & 0x3fff)) {
      attribute.children = parseAttributes(bytes, view, at + NLA_HDRLEN, at + length, messageType, [...path, type & 0x3fff]);
    }
    attributes.push(attribute);
    at += align4(length);
  }
  return attributes;
}

/** Every attribute of a message, depth first, with the end of its container. */
export function allAttributes(message: Message): { attribute: Attribute; containerEnd: number }[] {
  const found: { attribute: Attribute; containerEnd: number }[] = [];
  const visit = (attributes: Attribute[], containerEnd: number) => {
    for (const attribute of attributes) {
      found.push({ attribute, containerEnd });
      if (attribute.children) visit(attribute.children, attribute.at + NLA_HDRLEN + attribute.value.length);
    }
  };
  visit(message.attributes, message.at + message.length);
  return found;
}

export function serializeStream(messages: readonly Message[]): Uint8Array {
  const parts = messages.map(serializeMessage);
  const stream = new Uint8Array(parts.reduce((sum, part) => sum + align4(part.length), 0));
  let at = 0;
  for (const part of parts) {
    stream.set(part, at);
    at += align4(part.length);
  }
  return stream;
}

export function serializeMessage(message: Message): Uint8Array {
  const body = serializeAttributes(message.attributes);
  const headerSize = align4(message.familyHeader.length);
  const bytes = new Uint8Array(NLMSG_HDRLEN + headerSize + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, bytes.length, true);
  view.setUint16(4, message.type, true);
  view.setUint16(6, message.flags, true);
  view.setUint32(8, message.seq, true);
  view.setUint32(12, message.pid, true);
  bytes.set(message.familyHeader, NLMSG_HDRLEN);
  bytes.set(body, NLMSG_HDRLEN + headerSize);
  return bytes;
}

export function serializeAttributes(attributes: readonly Attribute[]): Uint8Array {
  const parts = attributes.map((attribute) => {
    const value = attribute.children ? serializeAttributes(attribute.children) : attribute.value;
    return { type: attribute.type, value };
  });
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + align4(NLA_HDRLEN + part.value.length), 0));
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const { type, value } of parts) {
    view.setUint16(at, NLA_HDRLEN + value.length, true);
    view.setUint16(at + 2, type, true);
    bytes.set(value, at + NLA_HDRLEN);
    at += align4(NLA_HDRLEN + value.length);
  }
  return bytes;
}

/** A message from parts: header fields, a family header, attributes. */
export function message(type: number, familyHeader: Uint8Array, attributes: Attribute[], flags = 0): Message {
  return { type, flags, seq: 0, pid: 0, at: 0, length: 0, familyHeader, attributes };
}

export function attribute(type: number, value: Uint8Array | Attribute[]): Attribute {
  return value instanceof Uint8Array ? { type, at: 0, value } : { type, at: 0, value: new Uint8Array(0), children: value };
}
