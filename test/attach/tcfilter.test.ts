// attach/detach with Kata's tcfilter model in real namespaces: frames cross between the
// veth's peer and the tap as a VMM opens it, N queues open, detach restores every byte
// iproute2 can show, and attach/detach are safe to repeat.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attach, AttachError, detach } from "../../host/attach/index.ts";
import { tapFlags } from "../../host/attach/tap.ts";
import { inNamespace } from "../../host/netlink/netns.ts";
import { openTapQueue } from "../../host/netlink/tun.ts";
import { ip, namespaceTestsSkip } from "../support/netns.ts";
import {
  awaitMarker, cleanUpEachTest, closeAll, createPod, fromDevice, fromSocket, namespacePicture, packetSocket, PEER_MAC, POD_MAC, sendPacket, testFrame, writeFromVm, type Pod,
} from "./support.ts";

const skip = namespaceTestsSkip();

describe("attach --model tcfilter", { skip }, () => {
  let pod: Pod | undefined;
  const fds: number[] = [];
  const track = cleanUpEachTest(fds);

  it("creates tap0_kata with the veth's MTU and the redirects both ways, and reports it", () => {
    pod = track(createPod());
    const attachment = attach({ netns: pod.namespace, keepFds: false });
    assert.equal(attachment.existing, false);
    assert.deepEqual(attachment.skipped, []);
    const [endpoint] = attachment.endpoints;
    assert.deepEqual(
      { ...endpoint, tapIndex: typeof endpoint.tapIndex },
      { name: "eth0", type: "virtual", model: "tcfilter", index: 0, tapName: "tap0_kata", tapIndex: "number", devicePath: null, guestMac: POD_MAC, mtu: 1400, queues: 0 },
    );
    const [tap] = JSON.parse(ip(["-j", "-n", pod.namespace, "-d", "link", "show", "tap0_kata"]));
    assert.equal(tap.mtu, 1400);
    assert.ok(tap.flags.includes("UP"));
    assert.equal(tap.linkinfo.info_kind, "tun");
    assert.deepEqual([tap.linkinfo.info_data.type, tap.linkinfo.info_data.pi, tap.linkinfo.info_data.vnet_hdr, tap.linkinfo.info_data.persist], ["tap", false, true, true]);
    for (const [from, to] of [["eth0", "tap0_kata"], ["tap0_kata", "eth0"]]) {
      const qdiscs = JSON.parse(ip(["-j", "-n", pod.namespace, "link", "show", from])) as unknown[];
      assert.equal(qdiscs.length, 1);
      const filters = tcJson(pod.namespace, ["filter", "show", "dev", from, "ingress"]);
      const action = filters.flatMap((filter) => filter.options?.actions ?? [])[0];
      assert.deepEqual({ kind: action.kind, to: action.to_dev, mirred: action.mirred_action }, { kind: "mirred", to, mirred: "redirect" });
    }
    assert.ok(attachment.messages.seed?.interfaces.length, "the agent messages come with the attachment");
  });

  it("carries a frame from the veth's peer to the tap opened by name, and one back", () => {
    pod = track(createPod());
    attach({ netns: pod.namespace, keepFds: false });
    const vm = inNamespace(pod.namespace, () => openTapQueue("tap0_kata", tapFlags(0), { nonBlocking: true }));
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

  it("with --queues 4 returns 4 queue descriptors, and a VMM opens 4 queues by name", () => {
    pod = track(createPod());
    const attachment = attach({ netns: pod.namespace, queues: 4 });
    const [endpoint] = attachment.endpoints;
    fds.push(...endpoint.vmFds!);
    assert.equal(endpoint.vmFds?.length, 4);
    assert.equal(endpoint.queues, 4);
    closeAll(fds.splice(0));
    const queues = inNamespace(pod.namespace, () => [1, 2, 3, 4].map(() => openTapQueue("tap0_kata", tapFlags(4), { nonBlocking: true })));
    fds.push(...queues);
    const listing = ip(["netns", "exec", pod.namespace, "ls", "/sys/class/net/tap0_kata/queues"]).split(/\s+/).filter(Boolean);
    assert.deepEqual(listing.sort(), ["rx-0", "rx-1", "rx-2", "rx-3", "tx-0", "tx-1", "tx-2", "tx-3"]);
  });

  it("detach leaves links, addresses, routes, qdiscs and filters exactly as before attach", () => {
    pod = track(createPod());
    const before = namespacePicture(pod.namespace);
    attach({ netns: pod.namespace, keepFds: false, queues: 2 });
    assert.notDeepEqual(namespacePicture(pod.namespace), before);
    assert.deepEqual(detach({ netns: pod.namespace }), { detached: ["eth0"], alreadyClean: false });
    assert.deepEqual(namespacePicture(pod.namespace), before);
  });

  it("attach twice reports the existing attachment; detach twice changes nothing", () => {
    pod = track(createPod());
    const first = attach({ netns: pod.namespace, keepFds: false });
    const attached = namespacePicture(pod.namespace);
    const second = attach({ netns: pod.namespace, keepFds: false });
    assert.equal(second.existing, true);
    assert.deepEqual(second.steps, []);
    assert.deepEqual(second.endpoints, first.endpoints);
    assert.deepEqual(second.messages, first.messages);
    assert.deepEqual(namespacePicture(pod.namespace), attached);
    detach({ netns: pod.namespace });
    const detached = namespacePicture(pod.namespace);
    assert.deepEqual(detach({ netns: pod.namespace }), { detached: [], alreadyClean: true });
    assert.deepEqual(namespacePicture(pod.namespace), detached);
  });

  it("copes with a tap and a qdisc someone already removed", () => {
    pod = track(createPod());
    const before = namespacePicture(pod.namespace);
    attach({ netns: pod.namespace, keepFds: false });
    ip(["-n", pod.namespace, "link", "del", "tap0_kata"]);
    ip(["-n", pod.namespace, "link", "set", "eth0", "up"]);
    execTc(pod.namespace, ["qdisc", "del", "dev", "eth0", "ingress"]);
    assert.deepEqual(detach({ netns: pod.namespace }), { detached: ["eth0"], alreadyClean: false });
    assert.deepEqual(namespacePicture(pod.namespace), before);
  });

  it("--vhost fails naming /dev/vhost-net, which this kernel lacks, and leaves nothing", () => {
    pod = track(createPod());
    const before = namespacePicture(pod.namespace);
    assert.throws(
      () => attach({ netns: pod!.namespace, vhost: true }),
      (error: unknown) => error instanceof AttachError && error.step === "open /dev/vhost-net (queue 1)" && error.link === "eth0" && /\/dev\/vhost-net.*ENOENT/.test(error.message) && error.causedByInput,
    );
    assert.deepEqual(namespacePicture(pod.namespace), before);
    assert.deepEqual(detach({ netns: pod.namespace }), { detached: [], alreadyClean: true });
  });

  it("a tap name taken by another link fails at the create step, naming it, and leaves nothing", () => {
    pod = track(createPod());
    ip(["-n", pod.namespace, "link", "add", "tap0_kata", "type", "bridge"]);
    const before = namespacePicture(pod.namespace);
    assert.throws(
      () => attach({ netns: pod!.namespace }),
      (error: unknown) => error instanceof AttachError && error.step === "create tap tap0_kata" && error.link === "tap0_kata" && /EEXIST/.test(error.kernelMessage),
    );
    assert.deepEqual(namespacePicture(pod.namespace), before);
  });
});

interface TcFilter {
  options?: { actions?: { kind: string; to_dev: string; mirred_action: string }[] };
}

function tcJson(namespace: string, args: string[]): TcFilter[] {
  return JSON.parse(execTc(namespace, ["-j", ...args]) || "[]") as TcFilter[];
}

function execTc(namespace: string, args: string[]): string {
  return ip(["netns", "exec", namespace, "tc", ...args]);
}
