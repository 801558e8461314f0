// The attach bench's fixtures and its baseline: namespaces holding one veth endpoint each
// (the peers wait in one shared namespace), and Kata's tcfilter recipe done the way a
// shell script would do it, with `ip` and `tc`.
import { execFileSync } from "node:child_process";
import { deleteNamespaces, ip, ipBatch, uniqueNamespaceName } from "../support/netns.ts";

export interface EndpointNamespaces {
  /** One namespace per endpoint, each with veth0 up. */
  namespaces: string[];
  delete(): void;
}

/** `count` namespaces with a veth0 each (addressed: Kata skips links without an address),
 * its peer p<i> up in one peer namespace. */
export function endpointNamespaces(count: number): EndpointNamespaces {
  const peer = uniqueNamespaceName();
  const namespaces = Array.from({ length: count }, () => uniqueNamespaceName());
  const remove = () => deleteNamespaces(peer, ...namespaces);
  try {
    ip(["netns", "add", peer]);
    for (const namespace of namespaces) ip(["netns", "add", namespace]);
    ipBatch(
      peer,
      namespaces.flatMap((namespace, i) => [`link add p${i} type veth peer name veth0 netns ${namespace}`, `link set p${i} up`]),
    );
    for (const namespace of namespaces) ipBatch(namespace, ["link set lo up", "addr add 10.0.0.2/24 dev veth0", "link set veth0 up"]);
  } catch (error) {
    remove();
    throw error;
  }
  return { namespaces, delete: remove };
}

const TAP = "tap0_kata";
const VETH = "veth0";

function run(command: "ip" | "tc", args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const redirect = (from: string, to: string) =>
  `filter add dev ${from} parent ffff: protocol all u32 match u8 0 0 action mirred egress redirect dev ${to}`;

/** Kata's tcfilter attach of veth0, one command per step: read the veth's MTU, a vnet_hdr
 * tap with that MTU, up, an ingress qdisc on each side, a redirect filter each way. */
export function attachWithCommands(namespace: string): void {
  const [{ mtu }] = JSON.parse(run("ip", ["-n", namespace, "-j", "link", "show", VETH])) as { mtu: number }[];
  run("ip", ["-n", namespace, "tuntap", "add", "dev", TAP, "mode", "tap", "vnet_hdr"]);
  run("ip", ["-n", namespace, "link", "set", TAP, "mtu", String(mtu), "up"]);
  run("tc", ["-n", namespace, "qdisc", "add", "dev", VETH, "ingress"]);
  run("tc", ["-n", namespace, "qdisc", "add", "dev", TAP, "ingress"]);
  run("tc", ["-n", namespace, ...redirect(VETH, TAP).split(" ")]);
  run("tc", ["-n", namespace, ...redirect(TAP, VETH).split(" ")]);
}

/** Its teardown: the veth's ingress qdisc (its filter goes with it), then the tap (with its own). */
export function detachWithCommands(namespace: string): void {
  run("tc", ["-n", namespace, "qdisc", "del", "dev", VETH, "ingress"]);
  run("ip", ["-n", namespace, "link", "del", TAP]);
}

/** The same recipe with one `ip -batch` and one `tc -batch` per direction: the fewest processes
 * the tools allow (the MTU read stays its own command, since the batch needs its value).
 * The teardown is two commands either way. */
export function attachWithBatches(namespace: string): void {
  const [{ mtu }] = JSON.parse(run("ip", ["-n", namespace, "-j", "link", "show", VETH])) as { mtu: number }[];
  execFileSync("ip", ["-n", namespace, "-batch", "-"], {
    input: `tuntap add dev ${TAP} mode tap vnet_hdr\nlink set ${TAP} mtu ${mtu} up\n`,
  });
  execFileSync("tc", ["-n", namespace, "-batch", "-"], {
    input: [`qdisc add dev ${VETH} ingress`, `qdisc add dev ${TAP} ingress`, redirect(VETH, TAP), redirect(TAP, VETH), ""].join("\n"),
  });
}
