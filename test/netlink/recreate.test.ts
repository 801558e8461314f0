// The requests that recreate dumped objects (attach's saved addresses, routes and
// neighbours; apply's rollback), on dumped messages written out here field by field: what
// describes the object is kept, what the kernel keeps for itself is dropped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { netlinkAttributes, netlinkMessages } from "../../host/netlink/messages.ts";
import { deletionOf, recreateRequest } from "../../host/netlink/recreate.ts";

const bytes = (...fields: string[]): Uint8Array => Uint8Array.from(fields.join("").match(/../g)!.map((pair) => parseInt(pair, 16)));
const NLM_F_CREATE_EXCL = 0x600;

function only(stream: Uint8Array) {
  const messages = [...netlinkMessages(stream)];
  assert.equal(messages.length, 1);
  return messages[0];
}

const attributeTypes = (payload: Uint8Array, start: number) => [...netlinkAttributes(payload, start)].map((attribute) => attribute.type);

const ADDRESS = bytes(
  "3c000000", "1400", "0200", "01000000", "00000000", // 60 bytes, RTM_NEWADDR, NLM_F_MULTI
  "02", "18", "80", "00", "02000000", // ifaddrmsg: AF_INET, /24, IFA_F_PERMANENT, universe, index 2
  "0800", "0100", "0a000002", // IFA_ADDRESS 10.0.0.2
  "0800", "0200", "0a000002", // IFA_LOCAL 10.0.0.2
  "1400", "0600", "ffffffff", "ffffffff", "10000000", "10000000", // IFA_CACHEINFO: lifetimes and stamps
);

const ROUTE = bytes(
  "4c000000", "1800", "0200", "01000000", "00000000", // 76 bytes, RTM_NEWROUTE, NLM_F_MULTI
  "02", "10", "00", "00", "fe", "03", "00", "01", "14000000", // rtmsg: AF_INET /16, main, boot, unicast, ONLINK | LINKDOWN
  "0800", "0f00", "fe000000", // RTA_TABLE 254
  "0800", "0100", "0a010000", // RTA_DST 10.1.0.0
  "0800", "0400", "02000000", // RTA_OIF 2
  "1800", "0c00", "00000000", "00000000", "00000000", "00000000", "00000000", // RTA_CACHEINFO, 20 bytes of statistics
);

const NEIGHBOUR = bytes(
  "38000000", "1c00", "0200", "01000000", "00000000", // 56 bytes, RTM_NEWNEIGH, NLM_F_MULTI
  "02", "00", "0000", "02000000", "8000", "00", "01", // ndmsg: AF_INET, index 2, NUD_PERMANENT, RTN_UNICAST
  "0800", "0100", "0a000001", // NDA_DST 10.0.0.1
  "0a00", "0200", "02000000000b", "0000", // NDA_LLADDR 02:00:00:00:00:0b
  "0800", "0400", "00000000", // NDA_PROBES
);

test("an address: same header, its addresses kept, the cache info (lifetimes left) dropped", () => {
  const dumped = only(ADDRESS);
  const request = only(recreateRequest(dumped, NLM_F_CREATE_EXCL));
  assert.deepEqual([request.type, request.flags], [20, NLM_F_CREATE_EXCL]);
  assert.deepEqual(request.payload.subarray(0, 8), dumped.payload.subarray(0, 8));
  assert.deepEqual(attributeTypes(request.payload, 8), [1, 2]);
});

test("a route: only ONLINK left of its flags, table, destination and link kept, cache info dropped", () => {
  const request = only(recreateRequest(only(ROUTE), 0x400));
  assert.deepEqual([request.type, request.flags], [24, 0x400]);
  assert.deepEqual([...request.payload.subarray(0, 12)], [2, 0x10, 0, 0, 0xfe, 3, 0, 1, 4, 0, 0, 0]);
  assert.deepEqual(attributeTypes(request.payload, 12), [15, 1, 4]);
});

test("a neighbour: its address and hardware address kept, probe count dropped", () => {
  const request = only(recreateRequest(only(NEIGHBOUR), NLM_F_CREATE_EXCL));
  assert.equal(request.type, 28);
  assert.deepEqual(attributeTypes(request.payload, 12), [1, 2]);
});

test("what is not an address, route or neighbour, or is too short for its header, is refused", () => {
  const link = only(bytes("20000000", "1000", "0200", "01000000", "00000000", "00000000", "02000000", "00000000", "00000000"));
  assert.throws(() => recreateRequest(link, 0), /type 16 is not an address, route or neighbour/);
  const shortRoute = only(bytes("18000000", "1800", "0200", "01000000", "00000000", "0210000000fe0300"));
  assert.throws(() => recreateRequest(shortRoute, 0), /payload of 8 bytes is too short/);
});

test("deletionOf: the RTM_DEL* twin of a request, flags cleared, the object unchanged", () => {
  const request = recreateRequest(only(ADDRESS), NLM_F_CREATE_EXCL);
  const deletion = only(deletionOf(request));
  assert.deepEqual([deletion.type, deletion.flags], [21, 0]);
  assert.deepEqual(deletion.payload, only(request).payload);
});
