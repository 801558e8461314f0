// Shared by the apply tests: a namespace "B" whose links look like a VM's NICs for a set
// of interfaces (veths carrying the same names and MACs, peers in a third namespace), the
// scan → pb64 → requests path, what two scans must agree on, and a captured CLI I/O.

import type { AgentMessages } from "../../host/core-types.ts";
import { toPb64 } from "../../host/format/pb64.ts";
import { parsePb64Json, type AgentRequests } from "../../host/apply/input.ts";
import { scan } from "../../host/scan.ts";
import { decode, encode, toProtoJson, type ARPNeighbor, type Interface, type Route } from "../../host/schema.ts";
import type { CliIO } from "../../host/cli/command.ts";
import { createNamespace, deleteNamespaces, ip, ipBatch } from "../support/netns.ts";

export function seedMessages(namespace: string): AgentMessages {
  const messages = scan({ netns: namespace, keepGoing: true }).messages.seed;
  if (!messages) throw new Error(`scan of ${namespace} gave no seed messages`);
  return messages;
}

/** The requests in one scan's messages, through the pb64 text `katanet apply` reads. */
export function requestsOf(messages: AgentMessages): AgentRequests {
  return parsePb64Json(JSON.stringify(toPb64(messages)), "scan");
}

export interface Mirror {
  namespace: string;
  peer: string;
  delete(): void;
}

/** B: one veth per interface, with its name and MAC, peer up in a third namespace (so the
 * NIC has carrier); nothing else — no addresses, routes or neighbours, links down. IPv6
 * duplicate address detection is off, as the routes right after an interface update need
 * their preferred source usable at once (a tentative address is refused as RTA_PREFSRC). */
export function buildMirror(interfaces: readonly Pick<Interface, "name" | "hwAddr">[]): Mirror {
  const namespace = createNamespace();
  let peer = "";
  try {
    peer = createNamespace();
    for (const setting of ["net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"]) {
      ip(["netns", "exec", namespace, "sysctl", "-q", "-w", setting]);
    }
    ipBatch(
      peer,
      interfaces.flatMap(({ name, hwAddr }, i) => [
        `link add nic${i} type veth peer name ${name} netns ${namespace} address ${hwAddr}`,
        `link set nic${i} up`,
      ]),
    );
  } catch (error) {
    deleteNamespaces(namespace, peer);
    throw error;
  }
  return { namespace, peer, delete: () => deleteNamespaces(namespace, peer) };
}

const MLD_REPORT_GROUP = "ff02::16";
const RTNH_F_LINKDOWN = 0x10;

/**
 * What must survive scan → apply → scan, normalised for what is not the apply's to keep:
 * the NIC's kind (B's are veths, as a VM's NICs are whatever the hypervisor gives), the
 * kernel's own IPv6 link-local addresses on B (listed in `kernelLinkLocal`), the LINKDOWN
 * route flag (carrier state of the NIC, not configuration), and the order
 * of addresses, routes and neighbours (kernel dump order, not part of the messages' meaning).
 */
export function comparable(messages: AgentMessages, kernelLinkLocal: ReadonlySet<string> = new Set()) {
  const interfaces = messages.interfaces.map((bytes) => {
    const json = toProtoJson("Interface", decode("Interface", bytes));
    return {
      ...json,
      type: "",
      IPAddresses: json.IPAddresses.filter((address) => !kernelLinkLocal.has(`${json.name} ${address.address}/${address.mask}`))
        .map((address) => JSON.stringify(address))
        .sort(),
    };
  });
  const routes = (decode("UpdateRoutesRequest", messages.updateRoutesRequest).routes?.Routes ?? [])
    .map((route) => JSON.stringify({ ...toProtoJson("Route", route), flags: route.flags & ~RTNH_F_LINKDOWN }))
    .sort();
  const neighbours = (decode("AddARPNeighborsRequest", messages.addArpNeighborsRequest).neighbors?.ARPNeighbors ?? [])
    .filter((neighbour) => neighbour.toIPAddress?.address !== MLD_REPORT_GROUP)
    .map((neighbour) => JSON.stringify(toProtoJson("ARPNeighbor", neighbour)))
    .sort();
  return { interfaces, routes, neighbours };
}

/** IPv6 link-local addresses (as "name fe80::.../64") in B's scan that A's scan lacks. */
export function extraLinkLocal(a: AgentMessages, b: AgentMessages): Set<string> {
  const list = (messages: AgentMessages) =>
    messages.interfaces.flatMap((bytes) => {
      const iface = decode("Interface", bytes);
      return iface.IPAddresses.filter((address) => address.address.startsWith("fe80:")).map((address) => `${iface.name} ${address.address}/${address.mask}`);
    });
  const inA = new Set(list(a));
  return new Set(list(b).filter((entry) => !inA.has(entry)));
}

export interface CapturedIO extends CliIO {
  stdout: string;
  stderr: string;
}

export function capturedIO(stdin = ""): CapturedIO {
  const io: CapturedIO = {
    stdout: "",
    stderr: "",
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
    readStdin: async () => new TextEncoder().encode(stdin),
    stopped: new Promise<void>(() => {}),
  };
  return io;
}

export interface RequestsJson {
  interfaces?: Partial<Interface>[];
  routes?: Partial<Route>[];
  neighbours?: Partial<ARPNeighbor>[];
}

/** The pb64 JSON text for hand-written requests, as `katanet scan --format pb64` would print it. */
export function pb64Json(requests: RequestsJson): string {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
  return JSON.stringify({
    updateInterfaceRequests: (requests.interfaces ?? []).map((iface) =>
      base64(encode("UpdateInterfaceRequest", { interface: iface as Interface })),
    ),
    updateRoutesRequest: base64(encode("UpdateRoutesRequest", { routes: { Routes: (requests.routes ?? []) as Route[] } })),
    addArpNeighborsRequest: base64(
      encode("AddARPNeighborsRequest", { neighbors: { ARPNeighbors: (requests.neighbours ?? []) as ARPNeighbor[] } }),
    ),
  });
}

/** Waits (up to 5 s) until no link of `namespace` is waiting for carrier and no address is
 * still tentative: the kernel finishes both a moment after setup, and a test comparing the
 * namespace before and after must not take that moment for a change. */
export async function settle(namespace: string): Promise<void> {
  const deadline = Date.now() + 5000;
  const busy = () => /tentative|NO-CARRIER|LOWERLAYERDOWN/.test(ip(["-n", namespace, "addr"]));
  while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A namespace's configuration as `ip` shows it, to compare before and after: links,
 * addresses, every table's routes, permanent neighbours (order aside; not a link's qdisc,
 * which the kernel attaches on its first up). */
export function stateOf(namespace: string): Record<string, string[]> {
  const lines = (args: string[]) => ip(["-n", namespace, ...args]).split("\n").filter((line) => line !== "").sort();
  return {
    links: lines(["-o", "link"]).map((line) => line.replace(/ qdisc \S+/, "")),
    addresses: lines(["-o", "addr"]),
    routes: lines(["route", "show", "table", "all"]),
    neighbours: lines(["neigh", "show", "nud", "permanent"]),
  };
}
