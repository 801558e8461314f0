import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { after, afterEach, before, describe, it } from "node:test";
import { dumpNamespace } from "../../host/netlink/dump.ts";
import { KatanetCore } from "../../host/core.ts";
import { busInfos, EthtoolSocket, vhostUserSockets } from "../../host/netlink/ethtool.ts";
import { assertInOriginalNamespace, inNamespace } from "../../host/netlink/netns.ts";
import { NetlinkSocket } from "../../host/netlink/socket.ts";
import { assertCleanState, createNamespace, deleteNamespaces, ipBatch, namespaceTestsSkip } from "../support/netns.ts";

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

  const core = new KatanetCore();

  function dumpWithEthtool(): { ethtool: EthtoolSocket } {
    const { netlink, ethtool } = inNamespace(namespace, () => ({ netlink: NetlinkSocket.open(), ethtool: EthtoolSocket.open() }));
    try {
      dumpNamespace(netlink, core.resetInput());
      return { ethtool };
    } finally {
      netlink.close();
    }
  }

  it("lists links with the addresses the Go library reports (IFA_LOCAL first)", () => {
    const { ethtool } = dumpWithEthtool();
    ethtool.close();
    assert.deepEqual(core.decodeLinks(), [
      { name: "lo", addresses: ["127.0.0.1", "::1"] },
      { name: "eth1", addresses: [vhostIp] },
      { name: "eth0", addresses: ["10.21.0.1", "2001:db8:21::2"] },
    ]);
  });

  it("reads empty bus-info for virtual links and finds the vhost-user socket Kata would", () => {
    const { ethtool } = dumpWithEthtool();
    try {
      const links = core.decodeLinks();
      assert.deepEqual(busInfos(ethtool, links), {});
      assert.deepEqual(vhostUserSockets(links), { eth1: `${vhostDirectory}/vhu.sock` });
      assert.equal(ethtool.busInfo("no-such-link"), "", "a failing ioctl means no bus-info, as for Kata");
    } finally {
      ethtool.close();
    }
  });
});

describe("ethtool requests", () => {
  it("take names of up to 15 bytes, as ifr_name holds, and refuse longer ones", () => {
    const ethtool = EthtoolSocket.open();
    try {
      assert.equal(ethtool.busInfo("x".repeat(15)), "", "no such link: the driver cannot say");
      assert.throws(() => ethtool.busInfo("x".repeat(16)), /longer than 15 bytes/);
      assert.throws(() => ethtool.busInfo("é".repeat(8)), /longer than 15 bytes/, "16 bytes of UTF-8 in 8 characters");
    } finally {
      ethtool.close();
    }
  });
});
