// A reading of the agent messages in the style of `ip address`, `ip route` and `ip neigh`,
// for people checking what a Kata guest would be given.
import type { SkippedLink } from "../core-types.ts";
import type { ARPNeighbor, Interface, Route } from "../schema.ts";
import type { DecodedMessages } from "./decoded.ts";
import { IFF_NOARP, neighbourStateNames } from "../netlink/constants.ts";
import { linkFlagsText, type KernelLink } from "./link-flags.ts";

const SCOPES: Record<number, string> = { 200: "site", 253: "link", 254: "host", 255: "nowhere" };
const ROUTE_FLAGS: [number, string][] = [[1, "dead"], [2, "pervasive"], [4, "onlink"], [8, "offload"], [16, "linkdown"]];
const NEIGH_FLAGS: [number, string][] = [[0x08, "proxy"], [0x10, "extern_learn"], [0x80, "router"]];

/** `links`: the kernel's view of each interface (scans and captures); endpoints described by
 * hand have none, and then only the agent's NOARP flag is shown. */
export function formatText(decoded: DecodedMessages, skipped: SkippedLink[] = [], links: ReadonlyMap<string, KernelLink> = new Map()): string {
  const lines: string[] = [];
  for (const iface of decoded.interfaces) lines.push(...interfaceLines(iface, links.get(iface.name)));
  if (decoded.interfaces.length === 0) lines.push("(no interfaces: Kata sends nothing)");
  lines.push("", "routes:");
  for (const route of decoded.routes) lines.push(routeLine(route));
  lines.push("", "neighbours:");
  for (const neighbour of decoded.neighbors) lines.push(neighbourLine(neighbour));
  if (skipped.length > 0) {
    lines.push("", "not sent:", ...skipped.map((link) => `${link.name}: ${link.reason}`));
  }
  return lines.join("\n") + "\n";
}

function interfaceLines(iface: Interface, link: KernelLink | undefined): string[] {
  const attributes = [`mtu ${iface.mtu.toString()}`];
  if (iface.hwAddr) attributes.push(`link/ether ${iface.hwAddr}`);
  // A CCW bus id (s390x) has dots, a PCI path none.
  if (iface.devicePath) attributes.push(`${iface.devicePath.includes(".") ? "ccw" : "pci"} ${iface.devicePath}`);
  const flags = link ? linkFlagsText(link.flags) : iface.rawFlags & IFF_NOARP ? "<NOARP>" : "<>";
  const index = link ? `${link.index}: ` : "";
  const header = `${index}${iface.name}: ${flags} type ${iface.type || '""'} ${attributes.join(" ")}`;
  const addresses = iface.IPAddresses.map((a) => `    ${a.family === 1 ? "inet6" : "inet"} ${a.address}/${a.mask}`);
  return [header, ...addresses];
}

// Routes and neighbours can number in the hundred thousands: their lines are built by
// appending to one string, without an array of parts per line.
function routeLine(route: Route): string {
  let line = route.family === 1 ? `inet6 ${route.dest || "default"}` : route.dest || "default";
  if (route.gateway) line += ` via ${route.gateway}`;
  line += ` dev ${route.device || '""'}`;
  const scope = SCOPES[route.scope] ?? route.scope;
  if (scope) line += ` scope ${scope}`;
  if (route.source) line += ` src ${route.source}`;
  if (route.mtu) line += ` mtu ${route.mtu}`;
  return route.flags ? `${line} ${names(route.flags, ROUTE_FLAGS).join(" ")}` : line;
}

function neighbourLine(neighbour: ARPNeighbor): string {
  let line = `${neighbour.toIPAddress?.address ?? "<nil>"} dev ${neighbour.device || '""'}`;
  if (neighbour.lladdr) line += ` lladdr ${neighbour.lladdr}`;
  if (neighbour.flags) line += ` ${names(neighbour.flags, NEIGH_FLAGS).join(" ")}`;
  const states = neighbourStateNames(neighbour.state);
  return `${line} ${states.length > 0 ? states.join(",") : "state 0"}`;
}

/** The names of the bits set in `value`, and the rest in hex. */
function names(value: number, known: [number, string][]): string[] {
  const result = known.filter(([bit]) => value & bit).map(([, name]) => name);
  const rest = known.reduce((remaining, [bit]) => remaining & ~bit, value) >>> 0;
  if (rest !== 0) result.push(`0x${rest.toString(16)}`);
  return result;
}
