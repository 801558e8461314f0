// Predicted agent failures on crafted pods: each failure the issue names, and the case
// right beside it that must not be reported (the agent's own order makes it work).
import { test } from "node:test";
import assert from "node:assert/strict";
import { explain, breaksGuest, type Explanation } from "../../host/explain/explain.ts";
import type { EndpointSpec } from "../../host/dan/endpoint-spec.ts";
import { parseIP } from "../../host/text/goparse.ts";

interface RouteText {
  dst?: string;
  gw?: string;
  mtu?: number;
  v6?: boolean;
  flags?: number;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

function ipSpec(text: string) {
  const ip = parseIP(text)!;
  return { hex: hex(text.includes(":") ? ip : ip.subarray(12)) };
}

function ipNetSpec(cidr: string) {
  const [ip, length] = cidr.split("/");
  const bits = ip.includes(":") ? 128 : 32;
  const mask = new Uint8Array(bits / 8).map((_, i) => (0xff << (8 - Math.min(8, Math.max(0, Number(length) - 8 * i)))) & 0xff);
  return { ip: ipSpec(ip), mask: { hex: hex(mask) } };
}

function pod(mtu: number, addresses: string[], routes: RouteText[]): EndpointSpec[] {
  return [{
    name: "eth0",
    type: "virtual",
    hwAddr: "02:00:00:00:00:01",
    pciPath: "",
    iface: { mtu, rawFlags: 0 },
    addrs: addresses.map((cidr) => ({ ipnet: ipNetSpec(cidr) })),
    routes: routes.map((route) => ({
      dst: route.dst ? ipNetSpec(route.dst) : null,
      gw: route.gw ? ipSpec(route.gw) : null,
      src: null,
      scope: 0,
      family: route.v6 ? 10 : 2,
      flags: route.flags ?? 0,
      mtu: route.mtu ?? 0,
      protocol: 3,
    })),
    neighbors: [],
  }];
}

/** A DAN file with one VFIO device eth0, whose network_info is given. */
function danFile(networkInfo: object): Uint8Array {
  const device = { name: "eth0", guest_mac: "0a:58:0a:0a:00:08", device: { type: "vfio", pci_device_id: "0000:85:03.0" }, network_info: networkInfo };
  return new TextEncoder().encode(JSON.stringify({ netns: "/var/run/netns/x", devices: [device] }));
}

const rules = (explanation: Explanation) => explanation.findings.map((finding) => `${finding.severity} ${finding.rule}`);

test("a gateway no address or earlier link route covers is an error, exit 4", async () => {
  const explanation = await explain({ endpoints: pod(1500, ["10.0.0.2/24"], [{ gw: "10.9.0.1" }]) });
  assert.deepEqual(rules(explanation), ["error route.gateway-unreachable"]);
  assert.deepEqual(explanation.findings[0].objects, ["route default via 10.9.0.1 dev eth0"]);
  assert.equal(breaksGuest(explanation), true);
});

test("a gateway covered by a link route listed after it is fine: the agent adds gateway-less routes first", async () => {
  const explanation = await explain({ endpoints: pod(1500, ["10.0.0.2/24"], [{ gw: "10.9.0.1" }, { dst: "10.9.0.0/24" }]) });
  assert.deepEqual(rules(explanation), []);
  assert.equal(breaksGuest(explanation), false);
});

test("an onlink gateway and a gateway inside the address's prefix are reachable", async () => {
  const explanation = await explain({ endpoints: pod(1500, ["10.0.0.2/24"], [{ gw: "10.0.0.1" }, { dst: "10.8.0.0/16", gw: "10.7.0.1", flags: 4 }]) });
  assert.deepEqual(rules(explanation), []);
});

test("a route MTU above its link's is a warning, exit 0", async () => {
  const explanation = await explain({ endpoints: pod(1500, ["10.0.0.2/24"], [{ dst: "10.1.0.0/16", gw: "10.0.0.1", mtu: 9000 }]) });
  assert.deepEqual(rules(explanation), ["warning route.mtu-above-link"]);
  assert.equal(breaksGuest(explanation), false);
});

test("an IPv6 route on a link without an IPv6 address is a warning", async () => {
  const explanation = await explain({ endpoints: pod(1500, ["10.0.0.2/24"], [{ dst: "2001:db8::/64", v6: true }]) });
  assert.deepEqual(rules(explanation), ["warning route.v6-without-address"]);
});

test("two routes to one destination: the later replaces the earlier", async () => {
  const explanation = await explain({ endpoints: pod(1500, ["10.0.0.2/24"], [{ dst: "10.1.0.0/16", gw: "10.0.0.1" }, { dst: "10.1.0.0/16", gw: "10.0.0.3" }]) });
  assert.deepEqual(rules(explanation), ["warning route.duplicate-destination"]);
  assert.equal(explanation.findings[0].objects.length, 2);
});

test("a DAN neighbour Kata drops silently is a warning, and the item says why", async () => {
  const dan = danFile({
    interface: { ip_addresses: ["10.10.0.8/24"], mtu: 1500 },
    neighbors: [{ ip_address: "10.10.0.1", hardware_addr: "0a:58:0a:0a:00:01", state: 2 }],
  });
  const explanation = await explain({ dan });
  const neighbour = explanation.items.find((item) => item.kind === "neighbour")!;
  assert.equal(neighbour.mark, "dropped");
  assert.equal(neighbour.rule, "neigh.not-permanent");
  assert.match(neighbour.reason, /REACHABLE/);
  assert.deepEqual(rules(explanation), ["warning neigh.not-permanent"]);
});

test("a gateway-less DAN route is marked changed: Kata sends it as family v6", async () => {
  const dan = danFile({ interface: { ip_addresses: ["10.10.0.8/24"], mtu: 1500 }, routes: [{ dest: "10.20.0.0/16" }] });
  const explanation = await explain({ dan });
  const route = explanation.items.find((item) => item.kind === "route")!;
  assert.equal(route.mark, "changed");
  assert.equal(route.rule, "route.family-v6");
});
