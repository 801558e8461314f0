// The netlink requests attach sends, read back field by field (no root needed): the
// ingress qdisc and its deletion with parent ffff:fff1, the u32 match-all filter with its
// mirred egress redirect, and the bridge-mode macvtap.

import assert from "node:assert/strict";
import { test } from "node:test";
import { netlinkAttributes, netlinkMessages } from "../../host/netlink/messages.ts";
import { newMacvtapRequest } from "../../host/netlink/link-requests.ts";
import { addIngressQdiscRequest, addRedirectFilterRequest, deleteIngressQdiscRequest, deleteRedirectFilterRequest } from "../../host/netlink/tc.ts";

const TCMSG = 20;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const u32 = (bytes: Uint8Array, at = 0) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);

function only(request: Uint8Array) {
  const messages = [...netlinkMessages(request)];
  assert.equal(messages.length, 1);
  return messages[0];
}

function attributes(payload: Uint8Array, offset: number): Map<number, Uint8Array> {
  return new Map([...netlinkAttributes(payload, offset)].map((attribute) => [attribute.type, attribute.payload]));
}

function tcmsg(payload: Uint8Array) {
  return { index: u32(payload, 4), handle: u32(payload, 8), parent: u32(payload, 12), info: u32(payload, 16) };
}

test("the ingress qdisc: handle ffff:, parent ffff:fff1, create-exclusive; deleted with the same parent", () => {
  const add = only(addIngressQdiscRequest(7));
  assert.equal(add.type, 36);
  assert.equal(add.flags, 0x600);
  assert.deepEqual(tcmsg(add.payload), { index: 7, handle: 0xffff0000, parent: 0xfffffff1, info: 0 });
  assert.equal(text(attributes(add.payload, TCMSG).get(1)!), "ingress\0");
  const del = only(deleteIngressQdiscRequest(7));
  assert.equal(del.type, 37);
  assert.deepEqual(tcmsg(del.payload), { index: 7, handle: 0xffff0000, parent: 0xfffffff1, info: 0 });
});

test("the redirect filter: u32 on ffff:, protocol all, one all-zero terminal key, mirred egress redirect (stolen)", () => {
  const add = only(addRedirectFilterRequest(3, 9));
  assert.equal(add.type, 44);
  const header = tcmsg(add.payload);
  assert.deepEqual([header.index, header.parent, header.info >>> 16, header.info & 0xffff], [3, 0xffff0000, 0xc000, 0x0300]);
  const top = attributes(add.payload, TCMSG);
  assert.equal(text(top.get(1)!), "u32\0");
  const options = attributes(top.get(2)!, 0);
  const selector = options.get(5)!;
  assert.deepEqual([selector.length, selector[0], selector[2]], [32, 1, 1], "a terminal selector with one key");
  assert.ok(selector.subarray(3).every((byte) => byte === 0), "the key matches anything");
  const action = attributes(attributes(options.get(7)!, 0).get(1)!, 0);
  assert.equal(text(action.get(1)!), "mirred\0");
  const parameters = attributes(action.get(2)!, 0).get(2)!;
  assert.deepEqual([parameters.length, u32(parameters, 8), u32(parameters, 20), u32(parameters, 24)], [28, 4, 1, 9]);
  const del = only(deleteRedirectFilterRequest(3));
  assert.deepEqual([del.type, tcmsg(del.payload).info], [45, header.info]);
});

test("the macvtap: name, parent link, txqlen, MTU, kind macvtap in bridge mode, the asked ifindex", () => {
  const add = only(newMacvtapRequest({ name: "tap0_kata", parentIndex: 2, index: 9000, txqlen: 1500, mtu: 1400 }));
  assert.equal(add.type, 16);
  assert.equal(add.flags, 0x600);
  assert.equal(u32(add.payload, 4), 9000);
  const top = attributes(add.payload, 16);
  assert.deepEqual([text(top.get(3)!), u32(top.get(5)!), u32(top.get(13)!), u32(top.get(4)!)], ["tap0_kata\0", 2, 1500, 1400]);
  const info = attributes(top.get(18)!, 0);
  assert.equal(text(info.get(1)!), "macvtap");
  assert.equal(u32(attributes(info.get(2)!, 0).get(1)!), 4);
});
