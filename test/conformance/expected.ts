// The agent messages in the fixtures' `expected.<rule>.pb` form (base64 strings).
import { Buffer } from "node:buffer";
import type { AgentMessages } from "../../host/core.ts";
import type { ExpectedPb } from "../reference/fixtures.ts";

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export function toExpectedPb(messages: AgentMessages): ExpectedPb {
  return {
    interfaces: messages.interfaces.map(base64),
    updateInterfaceRequests: messages.updateInterfaceRequests.map(base64),
    updateRoutesRequest: base64(messages.updateRoutesRequest),
    addArpNeighborsRequest: base64(messages.addArpNeighborsRequest),
    interfacesList: base64(messages.interfacesList),
    routesList: base64(messages.routesList),
  };
}
