// The agent messages decoded with the .proto schema: what the guest agent would read.
import type { AgentMessages } from "../core-types.ts";
import { decode, toProtoJson, type ARPNeighborJson, type InterfaceJson, type Messages, type RouteJson } from "../schema.ts";

export interface DecodedMessages {
  interfaces: Messages["Interface"][];
  routes: Messages["Route"][];
  neighbors: Messages["ARPNeighbor"][];
}

export interface DecodedJson {
  interfaces: InterfaceJson[];
  routes: RouteJson[];
  neighbors: ARPNeighborJson[];
}

export function decodeMessages(messages: AgentMessages): DecodedMessages {
  return {
    interfaces: messages.interfaces.map((bytes) => decode("Interface", bytes)),
    routes: decode("Routes", messages.routesList).Routes ?? [],
    neighbors: decode("AddARPNeighborsRequest", messages.addArpNeighborsRequest).neighbors?.ARPNeighbors ?? [],
  };
}

/** protojson with Kata's names, zero values present: the fixtures' interfaces/routes/neighbors. */
export function toDecodedJson(decoded: DecodedMessages): DecodedJson {
  return {
    interfaces: decoded.interfaces.map((m) => toProtoJson("Interface", m)),
    routes: decoded.routes.map((m) => toProtoJson("Route", m)),
    neighbors: decoded.neighbors.map((m) => toProtoJson("ARPNeighbor", m)),
  };
}
