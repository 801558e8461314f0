// The fixtures' `expected.<rule>.pb` form: one JSON object, every message base64.
import { Buffer } from "node:buffer";
import type { AgentMessages } from "../core.ts";

export interface Pb64 {
  interfaces: string[];
  updateInterfaceRequests: string[];
  updateRoutesRequest: string;
  addArpNeighborsRequest: string;
  interfacesList: string;
  routesList: string;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

export function toPb64(messages: AgentMessages): Pb64 {
  return {
    interfaces: messages.interfaces.map(base64),
    updateInterfaceRequests: messages.updateInterfaceRequests.map(base64),
    updateRoutesRequest: base64(messages.updateRoutesRequest),
    addArpNeighborsRequest: base64(messages.addArpNeighborsRequest),
    interfacesList: base64(messages.interfacesList),
    routesList: base64(messages.routesList),
  };
}
