// The fixtures' `expected.<rule>.pb` form: one JSON object, every message base64. Written
// in pieces, so a namespace with a million routes never holds its whole text at once.
import { Buffer } from "node:buffer";
import type { AgentMessages } from "../core-types.ts";

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

const SLICE = 3 * 1024 * 1024; // a multiple of 3, so the pieces of base64 join without padding

/** The same text as JSON.stringify(toPb64(messages), null, 2) + "\n", handed to `write` in pieces. */
export function writePb64(messages: AgentMessages, write: (text: string) => void): void {
  const list = (key: string, items: Uint8Array[], last = false) =>
    write(`  "${key}": [${items.length ? "\n" + items.map((item) => `    "${base64(item)}"`).join(",\n") + "\n  " : ""}]${last ? "" : ","}\n`);
  const single = (key: string, bytes: Uint8Array, last = false) => {
    write(`  "${key}": "`);
    for (let at = 0; at < bytes.length; at += SLICE) write(base64(bytes.subarray(at, at + SLICE)));
    write(`"${last ? "" : ","}\n`);
  };
  write("{\n");
  list("interfaces", messages.interfaces);
  list("updateInterfaceRequests", messages.updateInterfaceRequests);
  single("updateRoutesRequest", messages.updateRoutesRequest);
  single("addArpNeighborsRequest", messages.addArpNeighborsRequest);
  single("interfacesList", messages.interfacesList);
  single("routesList", messages.routesList, true);
  write("}\n");
}
