// The second baseline: the reference's own JS objects, encoded through protobufjs with the
// katanet schema instead of the hand-written encoder. Same bytes, the common way.

import { encode } from "../../host/schema.ts";
import { decodeNetlinkDump } from "./decode.ts";
import { scanEndpoints } from "./endpoints.ts";
import { generateVCNetworkStructures } from "./convert.ts";
import type { ConversionOptions } from "./convert-namespace.ts";
import type { AgentMessagesPb, NetworkStructures } from "./model.ts";

export function encodeWithProtobufjs(structures: NetworkStructures): AgentMessagesPb {
  const { interfaces, routes, neighbors } = structures;
  return {
    interfaces: interfaces.map((iface) => encode("Interface", iface)),
    updateInterfaceRequests: interfaces.map((iface) => encode("UpdateInterfaceRequest", { interface: iface })),
    updateRoutesRequest: encode("UpdateRoutesRequest", { routes: { Routes: routes } }),
    addArpNeighborsRequest: encode("AddARPNeighborsRequest", { neighbors: { ARPNeighbors: neighbors } }),
    interfacesList: encode("Interfaces", { Interfaces: interfaces }),
    routesList: encode("Routes", { Routes: routes }),
  };
}

export function convertNamespaceWithProtobufjs(stream: Uint8Array, options: ConversionOptions): AgentMessagesPb {
  const { endpoints } = scanEndpoints(decodeNetlinkDump(stream), options.pciPaths);
  return encodeWithProtobufjs(generateVCNetworkStructures(endpoints, options.rule));
}
