import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { after, afterEach, before, describe, it } from "node:test";
import { dumpNamespace } from "../../host/netlink/dump.ts";
import { EthtoolSocket, gatherHints, goIpString, hintLinksFromDump } from "../../host/netlink/ethtool.ts";
import { assertInOriginalNamespace, inNamespace } from "../../host/netlink/netns.ts";
import { GrowableSink } from "../../host/netlink/sink.ts";
import { NetlinkSocket } from "../../host/netlink/socket.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip } from "../support/netns.ts";

const ipv6 = (text: string): Uint8Array => {
  const [head, tail = ""] = text.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const left = groups(head);
  const right = text.includes("::") ? groups(tail) : [];
  const all = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return Uint8Array.from(all.flatMap((group) => [group >> 8, group & 0xff]));
};

describe("goIpString", () => {
  it("formats addresses exactly like Go's net.IP.String()", () => {
    assert.equal(goIpString(Uint8Array.of(10, 0, 21, 2)), "10.0.21.2");
    assert.equal(goIpString(ipv6("2001:db8:21::2")), "2001:db8:21::2");
    assert.equal(goIpString(ipv6("::1")), "::1");
    assert.equal(goIpString(ipv6("::")), "::");
    assert.equal(goIpString(ipv6("fe80::1")), "fe80::1");
    assert.equal(goIpString(ipv6("::ffff:a00:154d")), "10.0.21.77", "IPv4-mapped");
    assert.equal(goIpString(ipv6("2001:db8:0:1:0:0:0:1")), "2001:db8:0:1::1");
    assert.equal(goIpString(ipv6("2001:db8:0:0:1:0:0:1")), "2001:db8::1:0:0:1", "the first of equal runs");
    assert.equal(goIpString(ipv6("2001:0:1:0:1:0:1:0")), "2001:0:1:0:1:0:1:0", "single zero groups stay");
    assert.equal(goIpString(Uint8Array.of(1, 2, 3)), "?010203");
  });
});

describe("hints from a live namespace", { skip: namespaceTestsSkip() }, () => {
  let namespace = "";
  // TEST-NET-2 address with a per-process octet, so parallel runs probe different paths.
  const vhostIp = `198.51.100.${(process.pid % 250) + 1}`;
  const vhostDirectory = `/tmp/vhostuser_${vhostIp}`;

  before(() => {
    namespace = createNamespace();
    ipBatch(namespace, [
      "link set lo up",
      "link add eth0 type veth peer name eth1",
      "link set eth0 addrgenmode none",
      "addr add 10.21.0.1 peer 10.21.0.2/24 dev eth0",
      "addr add 2001:db8:21::2/64 dev eth0 nodad",
      `addr add ${vhostIp}/24 dev eth1`,
    ]);
    mkdirSync(vhostDirectory, { recursive: true });
    writeFileSync(`${vhostDirectory}/vhu.sock`, "");
  });
  afterEach(() => assertInOriginalNamespace());
  after(() => {
    rmSync(vhostDirectory, { recursive: true, force: true });
    deleteNamespaces(namespace);
    assertCleanState();
  });

  function dumpWithEthtool(): { stream: Uint8Array; ethtool: EthtoolSocket } {
    const { netlink, ethtool } = inNamespace(namespace, () => ({ netlink: NetlinkSocket.open(), ethtool: EthtoolSocket.open() }));
    try {
      const sink = new GrowableSink();
      dumpNamespace(netlink, sink);
      return { stream: sink.bytes().slice(), ethtool };
    } finally {
      netlink.close();
    }
  }

  it("lists links with the addresses the Go library reports (IFA_LOCAL first)", () => {
    const { stream, ethtool } = dumpWithEthtool();
    ethtool.close();
    assert.deepEqual(hintLinksFromDump(stream), [
      { name: "lo", addresses: ["127.0.0.1", "::1"] },
      { name: "eth1", addresses: [vhostIp] },
      { name: "eth0", addresses: ["10.21.0.1", "2001:db8:21::2"] },
    ]);
  });

  it("reads empty bus-info for virtual links and finds the vhost-user socket Kata would", () => {
    const { stream, ethtool } = dumpWithEthtool();
    try {
      assert.deepEqual(gatherHints(ethtool, hintLinksFromDump(stream)), [
        { name: "lo", busInfo: "" },
        { name: "eth1", busInfo: "", vhostUserSocket: `${vhostDirectory}/vhu.sock` },
        { name: "eth0", busInfo: "" },
      ]);
      assert.equal(ethtool.busInfo("no-such-link"), "", "a failing ioctl means no bus-info, as for Kata");
    } finally {
      ethtool.close();
    }
  });
});
