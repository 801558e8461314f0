// attach/detach with Kata's macvtap model in real namespaces: the macvtap takes the guest
// MAC, the veth a private one and loses its addresses; frames cross between the peer and
// /dev/tap<ifindex>; detach puts back the MAC, every address and the routes the kernel
// dropped with them, and the link's up/down state.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attach, detach } from "../../host/attach/index.ts";
import { sys } from "../../host/netlink/sys.ts";
import { ip, namespaceTestsSkip } from "../support/netns.ts";
import {
  awaitMarker, cleanUpEachTest, createPod, fromDevice, fromSocket, namespacePicture, packetSocket, PEER_MAC, POD_MAC, sendPacket, testFrame, writeFromVm, type Pod,
} from "./support.ts";

const skip = namespaceTestsSkip();

describe("attach --model macvtap", { skip }, () => {
  let pod: Pod | undefined;
  const fds: number[] = [];
  const track = cleanUpEachTest(fds);

  it("moves the guest MAC to the macvtap, a private MAC to the veth, and clears its addresses", () => {
    pod = track(createPod());
    const attachment = attach({ netns: pod.namespace, model: "macvtap", keepFds: false });
    const [endpoint] = attachment.endpoints;
    assert.equal(endpoint.model, "macvtap");
    assert.equal(endpoint.guestMac, POD_MAC);
    assert.equal(endpoint.devicePath, `/dev/tap${endpoint.tapIndex}`);
    const [tap] = JSON.parse(ip(["-j", "-n", pod.namespace, "-d", "link", "show", "tap0_kata"]));
    assert.deepEqual([tap.address, tap.mtu, tap.txqlen, tap.linkinfo.info_kind, tap.linkinfo.info_data.mode], [POD_MAC, 1400, 1000, "macvtap", "bridge"]);
    const [veth] = JSON.parse(ip(["-j", "-n", pod.namespace, "addr", "show", "eth0"]));
    assert.notEqual(veth.address, POD_MAC);
    assert.match(veth.address, /^[0-9a-f][26ae]:/, "a locally administered unicast MAC");
    assert.deepEqual(veth.addr_info, []);
  });

  it("gives the macvtap Kata's txqlen of 1500 when the veth has none", () => {
    pod = track(createPod());
    ip(["-n", pod.namespace, "link", "set", "eth0", "txqlen", "0"]);
    attach({ netns: pod.namespace, model: "macvtap", keepFds: false });
    const [tap] = JSON.parse(ip(["-j", "-n", pod.namespace, "link", "show", "tap0_kata"]));
    assert.equal(tap.txqlen, 1500);
  });

  it("carries a frame from the veth's peer to /dev/tap<ifindex>, and one back", () => {
    pod = track(createPod());
    const [endpoint] = attach({ netns: pod.namespace, model: "macvtap", keepFds: false }).endpoints;
    const vm = sys.openReadWrite(endpoint.devicePath!, { nonBlocking: true });
    fds.push(vm);
    const peer = packetSocket(pod.peer, "p0");
    fds.push(peer.fd);
    const toVm = testFrame(POD_MAC, PEER_MAC);
    sendPacket(peer, toVm.frame);
    assert.ok(awaitMarker(fromDevice(vm), toVm.marker), "the peer's frame reaches the VM side");
    const fromVm = testFrame(PEER_MAC, POD_MAC);
    writeFromVm(vm, fromVm.frame);
    assert.ok(awaitMarker(fromSocket(peer.fd), fromVm.marker), "the VM's frame reaches the peer");
  });

  it("with --queues 4 returns 4 descriptors of /dev/tap<ifindex>", () => {
    pod = track(createPod());
    const [endpoint] = attach({ netns: pod.namespace, model: "macvtap", queues: 4 }).endpoints;
    fds.push(...endpoint.vmFds!);
    assert.equal(endpoint.vmFds?.length, 4);
  });

  for (const podUp of [true, false]) {
    it(`detach restores MAC, addresses, routes and the ${podUp ? "up" : "down"} state exactly`, () => {
      pod = track(createPod({ podUp }));
      const before = namespacePicture(pod.namespace);
      attach({ netns: pod.namespace, model: "macvtap", keepFds: false });
      assert.deepEqual(detach({ netns: pod.namespace }), { detached: ["eth0"], alreadyClean: false });
      assert.deepEqual(namespacePicture(pod.namespace), before);
    });
  }
});
