// The core writes each route and neighbour out as it is decoded, with its link's name as
// the device, and output copies those bytes. Where the name is not known then (the route
// came before its link) or is not the endpoint's (two links share an ifindex), the element
// is written at output instead: the bytes must be the same as if it had been prepared.
import { test } from "node:test";
import assert from "node:assert/strict";
import { captureInput } from "../../host/capture.ts";
import { defaultCore } from "../../host/default-core.ts";
import { KatanetCore } from "../../host/core.ts";
import { decodeMessages, toDecodedJson } from "../../host/format/decoded.ts";
import { findLiveFixture } from "../support/fixtures.ts";
import { parseStream, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWROUTE, serializeStream, type Message } from "../fuzz/netlink-tree.ts";

const IFLA_IFNAME = 3;
const RTA_OIF = 4;

const fixture = findLiveFixture(
  "with routes and permanent neighbours",
  (f) => !f.file.endsWith(".gz") && f.expected.error === null &&
    (f.expected.seed?.routes.length ?? 0) > 0 && (f.expected.seed?.neighbors.length ?? 0) > 0,
);
const input = captureInput(fixture, defaultCore().abi).bytes;

test("routes and neighbours that come before their links convert as they do after", () => {
  const inOrder = new KatanetCore().convertBytes(input);
  const isLater = (type: number) => type === RTM_NEWROUTE || type === RTM_NEWNEIGH;
  const messages = parseStream(input);
  const reordered = serializeStream([...messages.filter((m) => isLater(m.type)), ...messages.filter((m) => !isLater(m.type))]);
  assert.deepEqual(new KatanetCore().convertBytes(reordered), inOrder);
});

test("a second link with the same ifindex lists the same routes and neighbours under its own name", () => {
  const messages = parseStream(input);
  const original = new KatanetCore().convertBytes(input);
  const owner = decodeMessages(original.messages.seed!).routes[0].device!;
  const link = messages.find((m) => m.type === RTM_NEWLINK && linkName(m) === owner)!;
  const twinName = `${owner}-twin`;
  const at = messages.indexOf(link) + 1;
  const withTwin = serializeStream([...messages.slice(0, at), renamed(link, twinName), ...messages.slice(at)]);

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
  const bytes = captureInput(several, defaultCore().abi).bytes;
  const messages = parseStream(bytes);
  const interleaved = (type: number) => roundRobin(groupByLink(messages.filter((m) => m.type === type)));
  const others = messages.filter((m) => m.type !== RTM_NEWROUTE && m.type !== RTM_NEWNEIGH);
  const reordered = serializeStream([...others, ...interleaved(RTM_NEWROUTE), ...interleaved(RTM_NEWNEIGH)]);
  assert.deepEqual(new KatanetCore().convertBytes(reordered), new KatanetCore().convertBytes(bytes));
});

test("a section written through windows smaller than its runs is the same bytes as through one", () => {
  const large = findLiveFixture("with thousands of routes on a hundred links", (f) => f.netlink.links.length >= 100 && f.netlink.routes.length >= 5000);
  const bytes = captureInput(large, defaultCore().abi).bytes;
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

/** The ifindex a route (RTA_OIF) or neighbour (ndm_ifindex) belongs to. */
function outputLink(message: Message): number {
  if (message.type === RTM_NEWNEIGH) return new DataView(message.familyHeader.buffer, message.familyHeader.byteOffset).getInt32(4, true);
  const oif = message.attributes.find((attribute) => attribute.type === RTA_OIF)?.value;
  return oif ? new DataView(oif.buffer, oif.byteOffset).getUint32(0, true) : 0;
}

function groupByLink(messages: Message[]): Message[][] {
  const groups = new Map<number, Message[]>();
  for (const message of messages) {
    const link = outputLink(message);
    groups.set(link, [...(groups.get(link) ?? []), message]);
  }
  return [...groups.values()];
}

/** The first of each list, then the second of each, and so on. */
function roundRobin<T>(lists: T[][]): T[] {
  const longest = Math.max(0, ...lists.map((list) => list.length));
  return Array.from({ length: longest }, (_, i) => lists.flatMap((list) => (i < list.length ? [list[i]] : []))).flat();
}

function linkName(link: Message): string {
  const name = link.attributes.find((attribute) => attribute.type === IFLA_IFNAME)!.value;
  return new TextDecoder().decode(name.subarray(0, -1)); // the kernel's NUL
}

/** The same link message under another name. */
function renamed(link: Message, name: string): Message {
  const value = new TextEncoder().encode(`${name}\0`);
  return { ...link, attributes: link.attributes.map((a) => (a.type === IFLA_IFNAME ? { ...a, value } : a)) };
}
