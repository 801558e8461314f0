// Kata's generateVCNetworkStructures: endpoints in, agent Interface / Route / ARPNeighbor
// values out. Two neighbour rules: `seed` (492329fc02, permanent entries only) and
// `preseedGateway` (83bbfedc08, which also sends reachable default-gateway entries).

import type {
  ARPNeighborMessage,
  Endpoint,
  IPAddressMessage,
  IPFamily,
  IP,
  InterfaceMessage,
  Neigh,
  NeighborRule,
  NetworkStructures,
  Route,
  RouteMessage,
} from "./model.ts";
import { hardwareAddrString, ipNetString, ipString, isLoopback, maskSize, to4 } from "./text.ts";

const IFF_NOARP = 0x80;
const RTPROT_KERNEL = 2;
const AF_INET6 = 10;
const NUD_REACHABLE = 0x02;
const NUD_PERMANENT = 0x80;

const familyOf = (ip: IP): IPFamily => (to4(ip) === null ? 1 : 0);

function interfaceOf(endpoint: Endpoint): InterfaceMessage {
  const { link, addrs } = endpoint.properties;
  const IPAddresses: IPAddressMessage[] = [];
  for (const { ipNet } of addrs) {
    if (isLoopback(ipNet.ip)) continue;
    IPAddresses.push({ family: familyOf(ipNet.ip), address: ipString(ipNet.ip), mask: String(maskSize(ipNet.mask)[0]) });
  }
  return {
    device: endpoint.name,
    name: endpoint.name,
    IPAddresses,
    mtu: link.mtu,
    hwAddr: endpoint.hardwareAddr,
    devicePath: endpoint.devicePath,
    type: endpoint.type,
    rawFlags: (link.rawFlags & IFF_NOARP) >>> 0,
  };
}

function routeOf(route: Route, device: string): RouteMessage {
  return {
    dest: route.dst === null ? "" : ipNetString(route.dst),
    gateway: route.gw === null ? "" : ipString(route.gw),
    device,
    source: route.src === null ? "" : ipString(route.src),
    scope: route.scope >>> 0,
    // utils.ConvertAddressFamily: only AF_INET6 is v6, whatever the addresses are.
    family: route.family === AF_INET6 ? 1 : 0,
    flags: route.flags >>> 0,
    mtu: route.mtu >>> 0,
  };
}

function neighborOf(neigh: Neigh, device: string): ARPNeighborMessage {
  return {
    toIPAddress: { family: familyOf(neigh.ip), address: ipString(neigh.ip), mask: "" },
    device,
    lladdr: neigh.hardwareAddr === null ? "" : hardwareAddrString(neigh.hardwareAddr),
    state: neigh.state | 0,
    flags: neigh.flags | 0,
  };
}

/** gatewaySetFromRoutes: gateways of the endpoint's default routes (no destination, or
 * a destination mask whose Size() has no ones), compared as text. All routes count here,
 * including the kernel's own. */
function defaultGateways(routes: Route[]): Set<string> {
  const gateways = new Set<string>();
  for (const route of routes) {
    if (route.gw === null) continue;
    if (route.dst === null || maskSize(route.dst.mask)[0] === 0) gateways.add(ipString(route.gw));
  }
  return gateways;
}

type NeighborFilter = (neigh: Neigh) => boolean;

function neighborFilter(rule: NeighborRule, endpoint: Endpoint): NeighborFilter {
  if (rule === "seed") return (neigh) => neigh.state === NUD_PERMANENT;
  const gateways = defaultGateways(endpoint.properties.routes);
  return (neigh) =>
    neigh.hardwareAddr !== null &&
    (neigh.state === NUD_PERMANENT || (neigh.state === NUD_REACHABLE && gateways.has(ipString(neigh.ip))));
}

export function generateVCNetworkStructures(endpoints: Endpoint[], rule: NeighborRule): NetworkStructures {
  const structures: NetworkStructures = { interfaces: [], routes: [], neighbors: [] };
  for (const endpoint of endpoints) {
    structures.interfaces.push(interfaceOf(endpoint));
    for (const route of endpoint.properties.routes) {
      if (route.protocol !== RTPROT_KERNEL) structures.routes.push(routeOf(route, endpoint.name));
    }
    const keep = neighborFilter(rule, endpoint);
    for (const neigh of endpoint.properties.neighbors) {
      if (keep(neigh)) structures.neighbors.push(neighborOf(neigh, endpoint.name));
    }
  }
  return structures;
}
