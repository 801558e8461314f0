// Which endpoints attach connects, with which model and index (no root needed): Kata's
// cross-connected types, ipvlan always on tcfilter, the others listed with the reason, and
// indexes of endpoints attached earlier never reused.

import assert from "node:assert/strict";
import { test } from "node:test";
import { planAttach } from "../../host/attach/plan.ts";
import type { AttachedEndpoint } from "../../host/attach/types.ts";
import type { Conversion } from "../../host/core-types.ts";

const endpoint = (name: string, type: string, pairIndex: number) => ({ name, type, pairIndex: BigInt(pairIndex), hwAddr: "02:00:00:00:00:01" });

const conversion: Conversion = {
  endpoints: [
    endpoint("eth0", "virtual", 0),
    endpoint("eth1", "ipvlan", 1),
    endpoint("eth2", "macvlan", 2),
    endpoint("gpu0", "physical", 3),
    endpoint("vu0", "vhost-user", 4),
  ],
  skipped: [{ name: "lo", reason: "loopback" }, { name: "dummy0", reason: "no-addresses" }, { name: "br0", reason: "Unsupported network interface: bridge" }],
  messages: {},
};

test("veth, ipvlan and macvlan are connected; ipvlan stays on tcfilter when macvtap is asked", () => {
  const plan = planAttach(conversion, "macvtap", undefined, []);
  assert.deepEqual(
    plan.connect.map((item) => [item.endpoint.name, item.model, item.index]),
    [["eth0", "macvtap", 0], ["eth1", "tcfilter", 1], ["eth2", "macvtap", 2]],
  );
});

test("physical and vhost-user endpoints and links Kata rejects are listed with the reason; lo and address-less links are not", () => {
  const plan = planAttach(conversion, "default", undefined, []);
  assert.deepEqual(plan.skipped, [
    { name: "br0", reason: "Unsupported network interface: bridge" },
    { name: "gpu0", reason: "physical: Kata passes the device itself to the VM (VFIO); no tap is made" },
    { name: "vu0", reason: "vhost-user: the VMM connects to its vhost-user socket; no tap is made" },
  ]);
  assert.ok(plan.connect.every((item) => item.model === "tcfilter"), "default is tcfilter");
});

test("only the named endpoints; attached ones and their taps left out; their indexes not reused", () => {
  const attached = [{ name: "eth0", index: 1, tapName: "tap1_kata" }] as AttachedEndpoint[];
  const withTap = { ...conversion, endpoints: [...conversion.endpoints, endpoint("tap1_kata", "tuntap", 5)] };
  const plan = planAttach(withTap, "tcfilter", ["eth0", "eth1", "tap1_kata"], attached);
  assert.deepEqual(plan.connect.map((item) => [item.endpoint.name, item.index]), [["eth1", 2]]);
  assert.deepEqual(plan.skipped, []);
});

test("none lists every endpoint with model none (attach then creates nothing)", () => {
  assert.deepEqual(planAttach(conversion, "none", undefined, []).connect.map((item) => item.model), ["none", "none", "none"]);
});
