// Hand-written protobuf encoding of the six agent messages, equal to Go's deterministic
// marshalling: fields in number order, proto3 zero values left out, embedded messages
// always written when set (an empty one as a zero length).

import type {
  AgentMessagesPb,
  ARPNeighborMessage,
  IPAddressMessage,
  InterfaceMessage,
  NetworkStructures,
  RouteMessage,
} from "./model.ts";
import { WireWriter } from "./wire.ts";

function writeIPAddress(writer: WireWriter, field: number, address: IPAddressMessage): void {
  const start = writer.beginDelimited(field);
  writer.varintField(1, address.family);
  writer.stringField(2, address.address);
  writer.stringField(3, address.mask);
  writer.endDelimited(start);
}

function writeInterface(writer: WireWriter, iface: InterfaceMessage): void {
  writer.stringField(1, iface.device);
  writer.stringField(2, iface.name);
  for (const address of iface.IPAddresses) writeIPAddress(writer, 3, address);
  writer.varintField(4, iface.mtu);
  writer.stringField(5, iface.hwAddr);
  writer.stringField(6, iface.devicePath);
  writer.stringField(7, iface.type);
  writer.varintField(8, iface.rawFlags);
}

function writeRoute(writer: WireWriter, route: RouteMessage): void {
  writer.stringField(1, route.dest);
  writer.stringField(2, route.gateway);
  writer.stringField(3, route.device);
  writer.stringField(4, route.source);
  writer.varintField(5, route.scope);
  writer.varintField(6, route.family);
  writer.varintField(7, route.flags);
  writer.varintField(8, route.mtu);
}

function writeNeighbor(writer: WireWriter, neighbor: ARPNeighborMessage): void {
  writeIPAddress(writer, 1, neighbor.toIPAddress);
  writer.stringField(2, neighbor.device);
  writer.stringField(3, neighbor.lladdr);
  writer.varintField(4, neighbor.state);
  writer.varintField(5, neighbor.flags);
}

/** A message whose field 1 is `messages`, repeated (grpc.Interfaces, Routes, ARPNeighbors). */
function encodeList<T>(writer: WireWriter, messages: T[], write: (writer: WireWriter, message: T) => void): Uint8Array {
  for (const message of messages) {
    const start = writer.beginDelimited(1);
    write(writer, message);
    writer.endDelimited(start);
  }
  return writer.take();
}

/** A message whose field 1 is the already encoded `message` (the request wrappers). */
function embed(writer: WireWriter, message: Uint8Array): Uint8Array {
  writer.bytesField(1, message);
  return writer.take();
}

// One scratch buffer for all calls: growing a fresh one to megabytes on every conversion
// costs more than the encoding. Each message is copied out of it when complete.
const writer = new WireWriter(64 * 1024);

export function encodeAgentMessages(structures: NetworkStructures): AgentMessagesPb {
  const interfaces = structures.interfaces.map((iface) => {
    writeInterface(writer, iface);
    return writer.take();
  });
  const routesList = encodeList(writer, structures.routes, writeRoute);
  return {
    interfaces,
    updateInterfaceRequests: interfaces.map((iface) => embed(writer, iface)),
    updateRoutesRequest: embed(writer, routesList),
    addArpNeighborsRequest: embed(writer, encodeList(writer, structures.neighbors, writeNeighbor)),
    interfacesList: encodeList(writer, structures.interfaces, writeInterface),
    routesList,
  };
}
