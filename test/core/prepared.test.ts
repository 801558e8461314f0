// The core writes each route and neighbour out as it is decoded, with its link's name as
// the device, and output copies those bytes. Where the name is not known then (the route
// came before its link) or is not the endpoint's (two links share an ifindex), the element
// is written at output instead: the bytes must be the same as if it had been prepared.
import { test } from "node:test";
import assert from "node:assert/strict";
import { captureInput } from "../../host/capture.ts";
import { KatanetCore } from "../../host/core.ts";
import { decodeMessages, toDecodedJson } from "../../host/format/decoded.ts";
import { netlinkMessages } from "../../host/netlink/messages.ts";
import { findLiveFixture } from "../support/fixtures.ts";

const RTM_NEWLINK = 16;
const RTM_NEWROUTE = 24;
const RTM_NEWNEIGH = 28;
const IFLA_IFNAME = 3;

const fixture = findLiveFixture(
  "with routes and permanent neighbours",
  (f) => !f.file.endsWith(".gz") && f.expected.error === null &&
    (f.expected.seed?.routes.length ?? 0) > 0 && (f.expected.seed?.neighbors.length ?? 0) > 0,
);
const input = captureInput(fixture).bytes;

test("routes and neighbours that come before their links convert as they do after", () => {
  const inOrder = new KatanetCore().convertBytes(input);
  const isLater = (type: number) => type === RTM_NEWROUTE || type === RTM_NEWNEIGH;
  const messages = [...netlinkMessages(input)];
  const reordered = concat([...messages.filter((m) => isLater(m.type)), ...messages.filter((m) => !isLater(m.type))].map((m) => m.bytes));
  assert.deepEqual(new KatanetCore().convertBytes(reordered), inOrder);
});

test("a second link with the same ifindex lists the same routes and neighbours under its own name", () => {
  const messages = [...netlinkMessages(input)];
  const original = new KatanetCore().convertBytes(input);
  const owner = decodeMessages(original.messages.seed!).routes[0].device!;
  const link = messages.find((m) => m.type === RTM_NEWLINK && linkName(m.bytes) === owner)!;
  const twin = renamed(link.bytes, owner.slice(0, -1) + (owner.endsWith("z") ? "y" : "z"));
  const twinName = linkName(twin);
  const at = messages.indexOf(link) + 1;
  const withTwin = concat([...messages.slice(0, at).map((m) => m.bytes), twin, ...messages.slice(at).map((m) => m.bytes)]);

  const conversion = new KatanetCore().convertBytes(withTwin);
  assert.ok(conversion.endpoints.some((e) => e.name === twinName), `${twinName} is an endpoint`);
  const before = toDecodedJson(decodeMessages(original.messages.seed!));
  const after = toDecodedJson(decodeMessages(conversion.messages.seed!));
  for (const list of ["routes", "neighbors"] as const) {
    const owned = before[list].filter((element) => element.device === owner);
    assert.ok(owned.length > 0, `${owner} has ${list}`);
    assert.deepEqual(after[list].filter((element) => element.device === owner), owned);
    assert.deepEqual(after[list].filter((element) => element.device === twinName), owned.map((element) => ({ ...element, device: twinName })));
  }
});

test("routes and neighbours of several links interleaved in the dump convert as they do grouped by link", () => {
  const several = findLiveFixture(
    "with routes on several links",
    (f) => !f.file.endsWith(".gz") && f.expected.error === null && new Set(f.expected.seed?.routes.map((r) => (r as { device?: string }).device)).size > 1,
  );
  const bytes = captureInput(several).bytes;
  const messages = [...netlinkMessages(bytes)];
  const interleaved = (type: number) => roundRobin(groupByLink(messages.filter((m) => m.type === type)));
  const others = messages.filter((m) => m.type !== RTM_NEWROUTE && m.type !== RTM_NEWNEIGH);
  const reordered = concat([...others, ...interleaved(RTM_NEWROUTE), ...interleaved(RTM_NEWNEIGH)].map((m) => m.bytes));
  assert.deepEqual(new KatanetCore().convertBytes(reordered), new KatanetCore().convertBytes(bytes));
});

test("a section written through windows smaller than its runs is the same bytes as through one", () => {
  const large = findLiveFixture("with many routes on many links", (f) => f.file.startsWith("large-100-"));
  const bytes = captureInput(large).bytes;
  const whole = new KatanetCore().convertBytes(bytes, { rules: ["seed"] }).messages.seed!.routesList;
  for (const window of [200, 4096, 65536]) {
    const core = new KatanetCore();
    core.convertBytes(bytes, { rules: ["seed"] }); // leaves the input in place for a second load
    const exports = (core as unknown as { core: RawExports }).core;
    assert.ok(exports.load(exports.inputArea(bytes.length, bytes.length), bytes.length, 0) >= 0);
    const parts: Uint8Array[] = [];
    for (;;) {
      const at = exports.outputArea(window, 0);
      const written = exports.emit(SECTION_ROUTES, at, window);
      assert.ok(written >= 0 && written <= window, `emit into ${window} bytes returned ${written}`);
      if (written === 0) break;
      parts.push(new Uint8Array(exports.memory.buffer, at, written).slice());
    }
    assert.deepEqual(Buffer.concat(parts), Buffer.from(whole), `through ${window}-byte windows`);
  }
});

interface RawExports {
  memory: WebAssembly.Memory;
  inputArea(size: number, keep: number): number;
  outputArea(size: number, keep: number): number;
  load(inPtr: number, inLength: number, flags: number): number;
  emit(section: number, outPtr: number, capacity: number): number;
}

const SECTION_ROUTES = 1;
const RTA_OIF = 4;

/** The ifindex a route (RTA_OIF) or neighbour (ndm_ifindex) belongs to. */
function outputLink(type: number, message: Uint8Array): number {
  const view = new DataView(message.buffer, message.byteOffset, message.length);
  if (type === RTM_NEWNEIGH) return view.getInt32(16 + 4, true);
  for (let at = 16 + 12; at + 4 <= message.length; at += (view.getUint16(at, true) + 3) & ~3) {
    if (view.getUint16(at + 2, true) === RTA_OIF) return view.getUint32(at + 4, true);
  }
  return 0;
}

function groupByLink<T extends { type: number; bytes: Uint8Array }>(messages: T[]): T[][] {
  const groups = new Map<number, T[]>();
  for (const message of messages) {
    const link = outputLink(message.type, message.bytes);
    groups.set(link, [...(groups.get(link) ?? []), message]);
  }
  return [...groups.values()];
}

/** The first of each list, then the second of each, and so on. */
function roundRobin<T>(lists: T[][]): T[] {
  const longest = Math.max(0, ...lists.map((list) => list.length));
  return Array.from({ length: longest }, (_, i) => lists.flatMap((list) => (i < list.length ? [list[i]] : []))).flat();
}

function concat(parts: Uint8Array[]): Uint8Array {
  const padded = (n: number) => (n + 3) & ~3;
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + padded(part.length), 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += padded(part.length);
  }
  return bytes;
}

/** Offset and length of a link message's IFLA_IFNAME value (NUL included). */
function nameAttribute(message: Uint8Array): { at: number; length: number } {
  const view = new DataView(message.buffer, message.byteOffset, message.length);
  for (let at = 16 + 16; at + 4 <= message.length; at += (view.getUint16(at, true) + 3) & ~3) {
    if (view.getUint16(at + 2, true) === IFLA_IFNAME) return { at: at + 4, length: view.getUint16(at, true) - 4 };
  }
  throw new Error("link message without IFLA_IFNAME");
}

function linkName(message: Uint8Array): string {
  const { at, length } = nameAttribute(message);
  return new TextDecoder().decode(message.subarray(at, at + length - 1));
}

/** A copy of a link message with a name of the same length. */
function renamed(message: Uint8Array, name: string): Uint8Array {
  const copy = message.slice();
  const { at, length } = nameAttribute(copy);
  assert.equal(name.length, length - 1);
  copy.set(new TextEncoder().encode(name), at);
  return copy;
}
