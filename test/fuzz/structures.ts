// Structurally odd inputs built from scratch: deep and repeated nesting, unknown
// attribute types, huge message counts, mixed message types, malformed private records.
import type { Corpus } from "./corpus.ts";
import { concatBytes, type FuzzCase } from "./fuzz-case.ts";
import {
  attribute, KATANET_ENDPOINT, message, RECORDS, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWROUTE, serializeMessage,
  serializeStream, type Attribute, type Message,
} from "./netlink-tree.ts";
import type { Random } from "./random.ts";

const IFLA_IFNAME = 3;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFA_ADDRESS = 1;
const RTA_DST = 1;
const RTA_OIF = 4;
const NDA_DST = 1;
const NDA_LLADDR = 2;
const RT_TABLE_MAIN = 254;
const NUD_PERMANENT = 0x80;
const MAX_ATTRIBUTE = 0xffff;

const text = (value: string): Uint8Array => new TextEncoder().encode(`${value}\0`);

function ifinfomsg(index: number, flags = 0): Uint8Array {
  const header = new Uint8Array(16);
  const view = new DataView(header.buffer);
  view.setInt32(4, index, true);
  view.setUint32(8, flags, true);
  return header;
}

function linkMessage(index: number, name: string, kind: string, extra: Attribute[] = []): Message {
  return message(RTM_NEWLINK, ifinfomsg(index), [
    attribute(IFLA_IFNAME, text(name)),
    attribute(IFLA_LINKINFO, [attribute(IFLA_INFO_KIND, text(kind))]),
    ...extra,
  ]);
}

function addressMessage(index: number, ip: Uint8Array, prefix: number): Message {
  const header = new Uint8Array(8);
  header[0] = ip.length === 4 ? 2 : 10;
  header[1] = prefix;
  new DataView(header.buffer).setUint32(4, index, true);
  return message(RTM_NEWADDR, header, [attribute(IFA_ADDRESS, ip)]);
}

function routeMessage(index: number, destination: Uint8Array): Message {
  const header = new Uint8Array(12);
  header[0] = destination.length === 4 ? 2 : 10;
  header[1] = destination.length * 8;
  header[4] = RT_TABLE_MAIN;
  header[5] = 4; // RTPROT_STATIC: Kata passes it to the guest
  const oif = new Uint8Array(4);
  new DataView(oif.buffer).setUint32(0, index, true);
  return message(RTM_NEWROUTE, header, [attribute(RTA_DST, destination), attribute(RTA_OIF, oif)]);
}

function neighbourMessage(index: number, ip: Uint8Array, mac: Uint8Array): Message {
  const header = new Uint8Array(12);
  header[0] = ip.length === 4 ? 2 : 10;
  new DataView(header.buffer).setInt32(4, index, true);
  new DataView(header.buffer).setUint16(8, NUD_PERMANENT, true);
  return message(RTM_NEWNEIGH, header, [attribute(NDA_DST, ip), attribute(NDA_LLADDR, mac)]);
}

const ipv4 = (n: number): Uint8Array => new Uint8Array([10, (n >> 16) & 255, (n >> 8) & 255, n & 255]);

/** One link with an address: enough for the core to run Kata's rules on it. */
export function linkWithAddress(index: number, name: string, kind = "veth", linkExtra: Attribute[] = []): Message[] {
  return [linkMessage(index, name, kind, linkExtra), addressMessage(index, ipv4(index), 24)];
}

/** IFLA_LINKINFO (or IFLA_INFO_DATA) inside itself, as deep as an nla_len allows. */
export function deepNesting(random: Random): FuzzCase {
  const depth = random.pick([2, 16, 256, random.between(1, 16_000)]);
  const nestedType = random.pick([IFLA_LINKINFO, IFLA_INFO_DATA, IFLA_INFO_KIND]);
  let inner: Uint8Array = new Uint8Array(0);
  for (let level = 0; level < depth && inner.length + 4 <= MAX_ATTRIBUTE; level++) {
    inner = concatBytes(nlattrHeader(inner.length + 4, random.chance(0.1) ? nestedType | 0x8000 : nestedType), inner);
  }
  const link = linkMessage(7, "eth0", random.pick(["veth", "tun", "gre"]), [{ type: IFLA_LINKINFO, at: 0, value: inner }]);
  const input = serializeStream([link, addressMessage(7, ipv4(7), 24)]);
  return { family: "deep-nesting", input, keepGoing: random.chance(0.5) };
}

/** Zero-length attributes back to back: a walker that does not advance would loop here. */
export function emptyAttributes(random: Random): FuzzCase {
  const count = random.between(1, 4000);
  const attributes = Array.from({ length: count }, () => attribute(random.pick([0, IFLA_LINKINFO, 0x3fff]), new Uint8Array(0)));
  const link = message(RTM_NEWLINK, ifinfomsg(3), [attribute(IFLA_IFNAME, text("eth0")), ...attributes]);
  return { family: "empty-attributes", input: serializeStream([link, addressMessage(3, ipv4(3), 8)]), keepGoing: false };
}

function nlattrHeader(length: number, type: number): Uint8Array {
  return new Uint8Array([length & 0xff, length >> 8, type & 0xff, type >> 8]);
}

/** Random attribute types (with and without the nested and byte-order flags) in real messages. */
export function unknownAttributes(random: Random, corpus: Corpus): FuzzCase {
  const seed = random.pick(corpus.smallSeeds);
  const messages = seed.messages.map((m) => ({ ...m, attributes: [...m.attributes] }));
  for (let i = random.between(1, 8); i > 0; i--) {
    const target = random.pick(messages);
    const value = random.bytes(random.pick([0, 1, 2, 3, 4, 6, 8, 16, random.below(300)]));
    target.attributes.splice(random.below(target.attributes.length + 1), 0, attribute(random.below(0x10000), value));
  }
  return { family: "unknown-attributes", input: concatBytes(serializeStream(messages), seed.records), keepGoing: random.chance(0.5) };
}

/** Tens of thousands of messages: links with addresses, routes and neighbours. */
export function hugeCount(random: Random): FuzzCase {
  const links = random.pick([1, 100, 2000, 10_000]);
  const perLink = random.pick([1, 10, 100]);
  const messages: Message[] = [];
  for (let link = 1; link <= links; link++) {
    messages.push(...linkWithAddress(link, `eth${link}`));
    for (let i = 0; i < Math.min(perLink, 50_000 / links); i++) {
      messages.push(routeMessage(link, ipv4(link * 1000 + i)));
      if (random.chance(0.3)) messages.push(neighbourMessage(link, ipv4(link * 1000 + i), random.bytes(6)));
    }
  }
  return { family: "huge-count", input: serializeStream(messages), keepGoing: random.chance(0.5) };
}

const CONTROL_TYPES = [0, 1, 2, 3, 4, 15, 17, 19, 0x7f00, 0x7f04, 0x7f0f, 0x7f11, 0xffff];

/** Messages of several fixtures interleaved with control, unknown and private types. */
export function mixedTypes(random: Random, corpus: Corpus): FuzzCase {
  const parts: Uint8Array[] = [];
  for (let i = random.between(1, 12); i > 0; i--) {
    const roll = random.below(4);
    if (roll === 0) parts.push(serializeMessage(random.pick(random.pick(corpus.smallSeeds).messages)));
    else if (roll === 1) parts.push(serializeMessage(message(random.pick(CONTROL_TYPES), random.bytes(random.below(24)), [])));
    else if (roll === 2) parts.push(randomPrivateRecord(random));
    else parts.push(random.pick(corpus.smallSeeds).records);
  }
  return { family: "mixed-types", input: concatBytes(...parts.map(padded)), keepGoing: random.chance(0.5) };
}

function padded(bytes: Uint8Array): Uint8Array {
  return bytes.length % 4 === 0 ? bytes : concatBytes(bytes, new Uint8Array(4 - (bytes.length % 4)));
}

const PRIVATE_TYPES = [RECORDS.KATANET_PCI_PATH, RECORDS.KATANET_BUS_INFO, RECORDS.KATANET_VHOST_USER, KATANET_ENDPOINT];

/** A private record (PCI path, bus info, vhost-user, endpoint) with random content. */
function randomPrivateRecord(random: Random): Uint8Array {
  const type = random.chance(0.9) ? random.pick(PRIVATE_TYPES) : random.between(0x7f00, 0x7f1f);
  return serializeMessage(message(type, new Uint8Array(0), randomAttributes(random, type === KATANET_ENDPOINT ? 3 : 1)));
}

function randomAttributes(random: Random, depth: number): Attribute[] {
  return Array.from({ length: random.below(10) }, () => {
    const type = random.chance(0.9) ? random.between(0, 10) : random.below(0x10000);
    if (depth > 1 && random.chance(0.4)) return attribute(type, randomAttributes(random, depth - 1));
    return attribute(type, randomValue(random));
  });
}

const PCI_LIKE = ["", "01", "1f", "20", "0/1", "02/03/04", "zz", "/", "01/", "1F/1e", "00000001", "-1", "0x1"];

function randomValue(random: Random): Uint8Array {
  switch (random.below(4)) {
    case 0: return new TextEncoder().encode(random.pick(PCI_LIKE));
    case 1: return random.bytes(random.pick([0, 1, 2, 3, 4, 5, 7, 8, 16]));
    case 2: return random.pick([ipv4(random.next()), new Uint8Array(16), random.bytes(16)]);
    default: return random.bytes(random.below(64));
  }
}

/** Only private records: endpoints described by hand, hints and PCI paths gone wrong. */
export function privateRecords(random: Random): FuzzCase {
  const records = Array.from({ length: random.between(1, 6) }, () => randomPrivateRecord(random));
  const withLink = random.chance(0.2) ? linkWithAddress(9, "eth9").map(serializeMessage) : [];
  return { family: "private-records", input: concatBytes(...[...withLink, ...records].map(padded)), keepGoing: random.chance(0.5) };
}
