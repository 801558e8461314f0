// Checks every field of the agent requests and turns them into netlink-ready values,
// before anything touches the namespace. Field meanings follow Kata's agent
// (src/agent/src/netlink.rs: update_interface, update_routes, add_arp_neighbors).

import type { ARPNeighbor, Interface, IPAddress, Route } from "../schema.ts";
import { ApplyInputError, type AgentRequests } from "./input.ts";
import { IFF_NOARP, NUD_PERMANENT } from "../netlink/constants.ts";
import { defaultCore } from "../convert.ts";
import {
  fieldError,
  parseAddress,
  parseFamilyEnum,
  parseMac,
  parsePrefix,
  parsePrefixLength,
  checkLinkName,
  refuseSpecialAddress,
  requireFamily,
  type Family,
  type ParsedPrefix,
} from "./text.ts";

const U32_MAX = 0xffffffff;
/** RTNH_F_DEAD | RTNH_F_LINKDOWN: next-hop state the kernel reports (a carrier-less host
 * NIC gives every route LINKDOWN) and refuses on writes ("Invalid rtm_flags - can not
 * contain DEAD or LINKDOWN"). The agent passes them on and fails; they are dropped here. */
const KERNEL_STATE_ROUTE_FLAGS = 0x1 | 0x10;

export interface AddressPlan extends ParsedPrefix {
  text: string;
}

export interface InterfacePlan {
  /** e.g. `interfaces[0] eth0 (02:42:ac:11:00:02)`, used in progress and errors. */
  label: string;
  name: string;
  mac: Uint8Array;
  addresses: AddressPlan[];
  mtu: number;
  arp: boolean;
}

export interface RoutePlan {
  /** Where the route came from, e.g. `routes[3]`. */
  field: string;
  label: string;
  family: Family;
  destination: { bytes: Uint8Array; length: number };
  gateway: Uint8Array | undefined;
  /** A source prefix (RTA_SRC) when written with a length > 0, else the preferred source (RTA_PREFSRC). */
  source: { bytes: Uint8Array; length: number; asPrefix: boolean } | undefined;
  device: string;
  scope: number;
  flags: number;
  mtu: number;
}

export interface NeighbourPlan {
  field: string;
  label: string;
  family: Family;
  address: Uint8Array;
  lladdr: Uint8Array | undefined;
  device: string;
  state: number;
  flags: number;
}

export interface ApplyPlan {
  interfaces: InterfacePlan[];
  /** Gateway-less routes first, so the gateways' own routes exist when they are needed;
   * `undefined` when there is no UpdateRoutes request, so the old routes stay. */
  routes: RoutePlan[] | undefined;
  neighbours: NeighbourPlan[];
}

/** Validates all requests; throws ApplyInputError naming the first bad field. */
export function planRequests(requests: AgentRequests): ApplyPlan {
  const interfaces = requests.interfaces.map((iface, i) => planInterface(iface, `interfaces[${i}]`));
  const routes = requests.routes?.map((route, i) => planRoute(route, `routes[${i}]`));
  return {
    interfaces,
    routes: routes && [...routes.filter((route) => !route.gateway), ...routes.filter((route) => route.gateway)],
    neighbours: requests.neighbours.map((neighbour, i) => planNeighbour(neighbour, `neighbors[${i}]`)),
  };
}

function planInterface(iface: Interface, field: string): InterfacePlan {
  const mac = parseMac(`${field}.hwAddr`, iface.hwAddr);
  checkLinkName(`${field}.name`, iface.name);
  const mtu = Number(iface.mtu.toString());
  if (mtu > U32_MAX) throw fieldError(`${field}.mtu`, iface.mtu.toString(), "larger than a link MTU can be (2^32 - 1)");
  return {
    label: `${field} ${iface.name} (${defaultCore().macText(mac)})`,
    name: iface.name,
    mac,
    addresses: iface.IPAddresses.map((address, i) => planAddress(address, `${field}.IPAddresses[${i}]`)),
    mtu,
    arp: (iface.rawFlags & IFF_NOARP) === 0,
  };
}

function planAddress(address: IPAddress, field: string): AddressPlan {
  const parsed = parseAddress(`${field}.address`, address.address);
  const stated = parseFamilyEnum(`${field}.family`, address.family);
  requireFamily(`${field}.address`, address.address, parsed.family, stated, `${field}.family`);
  refuseSpecialAddress(`${field}.address`, address.address, parsed, ["unspecified", "loopback", "multicast"]);
  const length = parsePrefixLength(`${field}.mask`, address.mask, parsed.family);
  return { ...parsed, length, text: `${address.address}/${length}` };
}

function planRoute(route: Route, field: string): RoutePlan {
  const family = parseFamilyEnum(`${field}.family`, route.family);
  const inFamily = (name: "dest" | "gateway" | "source") => {
    const parsed = parsePrefix(`${field}.${name}`, route[name]);
    requireFamily(`${field}.${name}`, route[name], parsed.family, family, `${field}.family`);
    return parsed;
  };
  const destination = route.dest === "" ? { bytes: new Uint8Array(family === 4 ? 4 : 16), length: 0 } : inFamily("dest");
  let gateway: Uint8Array | undefined;
  if (route.gateway !== "") {
    const parsed = parseAddress(`${field}.gateway`, route.gateway);
    requireFamily(`${field}.gateway`, route.gateway, parsed.family, family, `${field}.family`);
    refuseSpecialAddress(`${field}.gateway`, route.gateway, parsed, ["loopback", "multicast"]);
    gateway = parsed.bytes;
  }
  let source: RoutePlan["source"];
  if (route.source !== "") {
    // Kata's runtime sends the preferred source as a bare address. The agent's ipnetwork
    // parser would read that as a /32 source prefix, which IPv4 silently ignores; only an
    // explicit length > 0 is taken as a source prefix here, so the preferred source survives.
    const parsed = inFamily("source");
    source = { bytes: parsed.bytes, length: parsed.length, asPrefix: parsed.explicitLength && parsed.length > 0 };
  }
  if (route.scope > 0xff) throw fieldError(`${field}.scope`, route.scope, "not a route scope (0-255)");
  const via = route.gateway === "" ? "" : ` via ${route.gateway}`;
  const from = route.source === "" ? "" : ` src ${route.source}`;
  const mtu = route.mtu === 0 ? "" : ` mtu ${route.mtu}`;
  return {
    field,
    label: `${field} ${route.dest || "default"}${via} dev ${route.device}${from}${mtu}`,
    family,
    destination: { bytes: destination.bytes, length: destination.length },
    gateway,
    source,
    device: route.device,
    scope: route.scope,
    flags: route.flags & ~KERNEL_STATE_ROUTE_FLAGS,
    mtu: route.mtu,
  };
}

function planNeighbour(neighbour: ARPNeighbor, field: string): NeighbourPlan {
  const to = neighbour.toIPAddress;
  if (!to || to.address === "") throw new ApplyInputError(`${field}.toIPAddress: missing; a neighbour needs an IP address`);
  const address = parseAddress(`${field}.toIPAddress.address`, to.address);
  const stated = parseFamilyEnum(`${field}.toIPAddress.family`, to.family);
  requireFamily(`${field}.toIPAddress.address`, to.address, address.family, stated, `${field}.toIPAddress.family`);
  refuseSpecialAddress(`${field}.toIPAddress.address`, to.address, address, ["unspecified", "loopback"]);
  const lladdr = neighbour.lladdr === "" ? undefined : parseMac(`${field}.lladdr`, neighbour.lladdr);
  if (neighbour.state < 0 || neighbour.state > 0xffff) throw fieldError(`${field}.state`, neighbour.state, "not a neighbour state (0-65535)");
  if (neighbour.flags < 0 || neighbour.flags > 0xff) throw fieldError(`${field}.flags`, neighbour.flags, "not neighbour flags (0-255)");
  return {
    field,
    label: `${field} ${to.address}${lladdr ? ` lladdr ${defaultCore().macText(lladdr)}` : ""} dev ${neighbour.device}`,
    family: address.family,
    address: address.bytes,
    lladdr,
    device: neighbour.device,
    state: neighbour.state === 0 ? NUD_PERMANENT : neighbour.state,
    flags: neighbour.flags,
  };
}
