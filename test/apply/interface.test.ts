// update_interface details that the round trip does not reach: the link's old addresses
// are deleted (secondaries the kernel deleted with their primary included), a requested
// name held by another link is swapped as the agent does, and IPv6 addresses are skipped
// (and listed as skipped) in a namespace with IPv6 disabled.

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { apply } from "../../host/apply/apply.ts";
import { parsePb64Json } from "../../host/apply/input.ts";
import { assertCleanState, ip, ipBatch, namespaceTestsSkip } from "../support/netns.ts";
import { buildMirror, pb64Json } from "./support.ts";

const FIRST = "02:00:00:00:dd:01";
const SECOND = "02:00:00:00:dd:02";
const requestsFor = (json: Parameters<typeof pb64Json>[0]) => parsePb64Json(pb64Json(json), "test");

describe("interface updates", { skip: namespaceTestsSkip() }, () => {
  after(() => assertCleanState());

  it("replaces the link's addresses, a primary's secondary included", async () => {
    const mirror = buildMirror([{ name: "eth0", hwAddr: FIRST }]);
    try {
      ipBatch(mirror.namespace, ["addr add 192.0.2.9/24 dev eth0", "addr add 192.0.2.10/24 dev eth0", "link set eth0 up"]);
      const addresses = [{ family: 0, address: "10.0.0.2", mask: "24" }];
      const report = await apply(requestsFor({ interfaces: [{ name: "eth0", hwAddr: FIRST, mtu: 1500, IPAddresses: addresses }] }), { netns: mirror.namespace });
      assert.deepEqual(report.applied, [
        "interfaces[0] eth0 (02:00:00:00:dd:01): set eth0 down",
        "interfaces[0] eth0 (02:00:00:00:dd:01): delete address 192.0.2.9/24 from eth0",
        "interfaces[0] eth0 (02:00:00:00:dd:01): delete address 192.0.2.10/24 from eth0",
        "interfaces[0] eth0 (02:00:00:00:dd:01): add address 10.0.0.2/24 to eth0",
        "interfaces[0] eth0 (02:00:00:00:dd:01): set eth0 mtu 1500, name eth0, arp on, up",
      ]);
      const shown = ip(["-n", mirror.namespace, "-4", "addr", "show", "eth0"]);
      assert.match(shown, /inet 10\.0\.0\.2\/24/);
      assert.doesNotMatch(shown, /192\.0\.2\./);
    } finally {
      mirror.delete();
    }
  });

  it("swaps names with the link that holds the requested one", async () => {
    const mirror = buildMirror([{ name: "tmp0", hwAddr: FIRST }, { name: "eth0", hwAddr: SECOND }]);
    try {
      const report = await apply(requestsFor({ interfaces: [{ name: "eth0", hwAddr: FIRST, mtu: 1400, rawFlags: 0x80 }] }), { netns: mirror.namespace });
      assert.deepEqual(report.applied, [
        "interfaces[0] eth0 (02:00:00:00:dd:01): rename eth0 to eth0_temp",
        "interfaces[0] eth0 (02:00:00:00:dd:01): set tmp0 mtu 1400, name eth0, arp off, up",
        "interfaces[0] eth0 (02:00:00:00:dd:01): rename eth0_temp to tmp0, up",
      ]);
      assert.match(ip(["-n", mirror.namespace, "link", "show", "eth0"]), /<BROADCAST,MULTICAST,NOARP,UP,LOWER_UP> mtu 1400 [^]*link\/ether 02:00:00:00:dd:01/);
      assert.match(ip(["-n", mirror.namespace, "link", "show", "tmp0"]), /UP[^]*link\/ether 02:00:00:00:dd:02/);
    } finally {
      mirror.delete();
    }
  });

  it("skips IPv6 addresses when the namespace has IPv6 disabled", async () => {
    const mirror = buildMirror([{ name: "eth0", hwAddr: FIRST }]);
    try {
      for (const setting of ["net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]) {
        ip(["netns", "exec", mirror.namespace, "sysctl", "-q", "-w", setting]);
      }
      const addresses = [
        { family: 0, address: "10.0.0.2", mask: "24" },
        { family: 1, address: "2001:db8::2", mask: "64" },
      ];
      const report = await apply(requestsFor({ interfaces: [{ name: "eth0", hwAddr: FIRST, mtu: 1500, IPAddresses: addresses }] }), { netns: mirror.namespace });
      assert.deepEqual(report.skipped, ["interfaces[0] eth0 (02:00:00:00:dd:01): address 2001:db8::2/64 (IPv6 is disabled in the namespace)"]);
      const shown = ip(["-n", mirror.namespace, "addr", "show", "eth0"]);
      assert.match(shown, /inet 10\.0\.0\.2\/24/);
      assert.doesNotMatch(shown, /2001:db8::2/);
    } finally {
      mirror.delete();
    }
  });
});
