// Shared by the attach tests: a pod namespace with a veth whose peer sits in a second
// namespace, a picture of the pod namespace as `ip -j` and `tc -j` show it, and raw frames
// sent and received on both sides (AF_PACKET at the peer, tap descriptors as a VMM holds them).

import { execFileSync } from "node:child_process";
import { after, afterEach } from "node:test";
import { randomBytes } from "node:crypto";
import { detach } from "../../host/attach/index.ts";
import { inNamespace } from "../../host/netlink/netns.ts";
import { sys } from "../../host/netlink/sys.ts";
import { assertCleanState, ip, ipBatch, namespacePair } from "../support/netns.ts";

export const POD_MAC = "02:00:00:00:0a:01";
export const PEER_MAC = "02:00:00:00:0a:02";

export interface Pod {
  namespace: string;
  peer: string;
  delete(): void;
}

/**
 * eth0 (pod) ↔ p0 (peer), fixed MACs, no automatic IPv6 addresses; eth0 has IPv4 and IPv6
 * (nodad) addresses, a gateway route, a second routed prefix and a permanent neighbour,
 * so restoring them shows.
 */
export function createPod(options: { podUp?: boolean } = {}): Pod {
  return namespacePair((namespace, peer) => {
    // Links made later (the taps) get no IPv6 link-local address: its duplicate address
    // detection would keep changing what two pictures of an attached namespace show.
    ip(["netns", "exec", namespace, "sysctl", "-q", "-w", "net.ipv6.conf.default.addr_gen_mode=1"]);
    ipBatch(namespace, [
      "link set lo up",
      `link add eth0 address ${POD_MAC} type veth peer name p0 address ${PEER_MAC} netns ${peer}`,
      "link set eth0 addrgenmode none",
      "link set eth0 mtu 1400",
      "addr add 10.20.0.2/24 dev eth0",
      "addr add 10.20.0.3/24 dev eth0",
      "addr add fd00:20::2/64 dev eth0 nodad",
      // A link gets its default qdisc the first time it goes up and keeps it; a pod link
      // left down by its CNI plugin has been up before, so attach's "up" changes only the flag.
      ...(options.podUp === false
        ? ["link set eth0 up", "link set eth0 down"]
        : ["link set eth0 up", "neigh add 10.20.0.9 lladdr 02:00:00:00:0a:09 dev eth0 nud permanent", "route add default via 10.20.0.1", "route add 10.99.0.0/16 via 10.20.0.1 dev eth0", "route add fd00:99::/48 via fd00:20::1 dev eth0"]),
    ]);
    ipBatch(peer, ["link set p0 addrgenmode none", "link set p0 up"]);
  });
}

/** Everything attach may touch, as iproute2 prints it. */
function rawPicture(namespace: string): Record<string, unknown> {
  const json = (command: string, args: string[]) => JSON.parse(execFileSync(command, ["-j", "-n", namespace, ...args], { encoding: "utf8" }) || "[]");
  const links = json("ip", ["link", "show"]) as { ifname: string }[];
  return {
    links,
    addresses: json("ip", ["addr", "show"]),
    routes: json("ip", ["route", "show", "table", "all"]),
    routes6: json("ip", ["-6", "route", "show", "table", "all"]),
    neighbours: json("ip", ["neigh", "show", "nud", "permanent"]),
    qdiscs: json("tc", ["qdisc", "show"]),
    filters: links.map((link) => json("tc", ["filter", "show", "dev", link.ifname, "ingress"])),
  };
}

/**
 * Everything attach may touch, as iproute2 prints it, once the kernel's deferred link-state
 * work has run (carrier and operstate follow a peer or a tap's last descriptor a moment
 * later): two pictures a moment apart agree.
 */
export function namespacePicture(namespace: string): Record<string, unknown> {
  let last = JSON.stringify(rawPicture(namespace));
  for (let attempt = 0; attempt < 50; attempt++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    const now = JSON.stringify(rawPicture(namespace));
    if (now === last) break;
    last = now;
  }
  return JSON.parse(last) as Record<string, unknown>;
}

const AF_PACKET = 17;
const SOCK_RAW = 3;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const ETH_P_ALL_NETWORK_ORDER = 0x0300;
/** A local experimental EtherType: nothing else in the namespaces sends it. */
const TEST_ETHERTYPE = 0x88b5;
/** IFF_VNET_HDR: every frame on a VM descriptor starts with a 10-byte virtio_net_hdr. */
export const VNET_HEADER = 10;

export const macBytes = (mac: string) => Uint8Array.from(mac.split(":"), (part) => parseInt(part, 16));

/** An Ethernet frame of the test EtherType carrying a random marker. */
export function testFrame(destination: string, source: string): { frame: Uint8Array; marker: Uint8Array } {
  const marker = new Uint8Array(randomBytes(16));
  const frame = new Uint8Array(64);
  frame.set(macBytes(destination), 0);
  frame.set(macBytes(source), 6);
  new DataView(frame.buffer).setUint16(12, TEST_ETHERTYPE);
  frame.set(marker, 14);
  return { frame, marker };
}

/** A raw packet socket bound to `link` in `namespace`, non-blocking. */
export function packetSocket(namespace: string, link: string): { fd: number; index: number } {
  const [{ ifindex: index }] = JSON.parse(ip(["-j", "-n", namespace, "link", "show", link])) as { ifindex: number }[];
  return inNamespace(namespace, () => {
    const fd = sys.socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, ETH_P_ALL_NETWORK_ORDER);
    sys.bind(fd, linkAddress(index));
    return { fd, index };
  });
}

/** struct sockaddr_ll for `index`. */
function linkAddress(index: number, destination?: string): Uint8Array {
  const address = new Uint8Array(20);
  const view = new DataView(address.buffer);
  view.setUint16(0, AF_PACKET, true);
  view.setUint16(2, ETH_P_ALL_NETWORK_ORDER, true);
  view.setInt32(4, index, true);
  if (destination) {
    address[11] = 6;
    address.set(macBytes(destination), 12);
  }
  return address;
}

export function sendPacket(socket: { fd: number; index: number }, frame: Uint8Array): void {
  sys.sendto(socket.fd, frame, 0, linkAddress(socket.index));
}

const WAIT_STEP_MS = 20;
const WAIT_STEPS = 250;

/** Reads frames until one carries `marker`; false when none came within a few seconds. */
export function awaitMarker(receive: (into: Uint8Array) => number, marker: Uint8Array): boolean {
  const into = new Uint8Array(4096);
  for (let step = 0; step < WAIT_STEPS; step++) {
    for (let length = receive(into); length >= 0; length = receive(into)) {
      if (contains(into.subarray(0, length), marker)) return true;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WAIT_STEP_MS);
  }
  return false;
}

export const fromSocket = (fd: number) => (into: Uint8Array) => sys.tryRecv(fd, into, 0);
export const fromDevice = (fd: number) => (into: Uint8Array) => sys.tryRead(fd, into);

/** Writes a frame on a VM descriptor, behind an empty virtio-net header. */
export function writeFromVm(fd: number, frame: Uint8Array): void {
  const withHeader = new Uint8Array(VNET_HEADER + frame.length);
  withHeader.set(frame, VNET_HEADER);
  sys.write(fd, withHeader);
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let i = 0; i < needle.length; i++) if (haystack[start + i] !== needle[i]) continue outer;
    return true;
  }
  return false;
}

export function closeAll(fds: readonly number[]): void {
  for (const fd of fds) sys.close(fd);
}

/** After each test, the VM fds in `fds` are closed and the pods given to the returned
 * `track` detached and deleted; after all of them, nothing of the tests is left. */
export function cleanUpEachTest(fds: number[] = []): (pod: Pod) => Pod {
  const pods: Pod[] = [];
  afterEach(() => {
    closeAll(fds.splice(0));
    for (const pod of pods.splice(0)) {
      detach({ netns: pod.namespace });
      pod.delete();
    }
  });
  after(assertCleanState);
  return (pod) => {
    pods.push(pod);
    return pod;
  };
}
