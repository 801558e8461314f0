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
import { WireWriter, messageFieldLength, stringFieldLength, varintFieldLength } from "./wire.ts";

const ipAddressLength = (address: IPAddressMessage): number =>
  varintFieldLength(address.family) + stringFieldLength(address.address) + stringFieldLength(address.mask);

function writeIPAddress(writer: WireWriter, address: IPAddressMessage): void {
  writer.varintField(1, address.family);
  writer.stringField(2, address.address);
  writer.stringField(3, address.mask);
}

function interfaceLength(iface: InterfaceMessage): number {
  let length = stringFieldLength(iface.device) + stringFieldLength(iface.name);
  for (const address of iface.IPAddresses) length += messageFieldLength(ipAddressLength(address));
  return (
    length +
    varintFieldLength(iface.mtu) +
    stringFieldLength(iface.hwAddr) +
    stringFieldLength(iface.devicePath) +
    stringFieldLength(iface.type) +
    varintFieldLength(iface.rawFlags)
  );
}

function writeInterface(writer: WireWriter, iface: InterfaceMessage): void {
  writer.stringField(1, iface.device);
  writer.stringField(2, iface.name);
  for (const address of iface.IPAddresses) {
    writer.messageHeader(3, ipAddressLength(address));
    writeIPAddress(writer, address);
  }
  writer.varintField(4, iface.mtu);
  writer.stringField(5, iface.hwAddr);
  writer.stringField(6, iface.devicePath);
  writer.stringField(7, iface.type);
  writer.varintField(8, iface.rawFlags);
}

const routeLength = (route: RouteMessage): number =>
  stringFieldLength(route.dest) +
  stringFieldLength(route.gateway) +
  stringFieldLength(route.device) +
  stringFieldLength(route.source) +
  varintFieldLength(route.scope) +
  varintFieldLength(route.family) +
  varintFieldLength(route.flags) +
  varintFieldLength(route.mtu);

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

const neighborLength = (neighbor: ARPNeighborMessage): number =>
  messageFieldLength(ipAddressLength(neighbor.toIPAddress)) +
  stringFieldLength(neighbor.device) +
  stringFieldLength(neighbor.lladdr) +
  varintFieldLength(neighbor.state) +
  varintFieldLength(neighbor.flags);

function writeNeighbor(writer: WireWriter, neighbor: ARPNeighborMessage): void {
  writer.messageHeader(1, ipAddressLength(neighbor.toIPAddress));
  writeIPAddress(writer, neighbor.toIPAddress);
  writer.stringField(2, neighbor.device);
  writer.stringField(3, neighbor.lladdr);
  writer.varintField(4, neighbor.state);
  writer.varintField(5, neighbor.flags);
}

/** A message whose field 1 is `messages`, repeated (grpc.Interfaces, Routes, ARPNeighbors). */
function encodeList<T>(messages: T[], lengthOf: (message: T) => number, write: (w: WireWriter, m: T) => void): Uint8Array {
  const lengths = messages.map(lengthOf);
  const writer = new WireWriter(lengths.reduce((total, length) => total + messageFieldLength(length), 0));
  messages.forEach((message, i) => {
    writer.messageHeader(1, lengths[i]);
    write(writer, message);
  });
  return writer.written();
}

/** A message whose field 1 is the already encoded `message` (the request wrappers). */
function embed(message: Uint8Array): Uint8Array {
  const writer = new WireWriter(messageFieldLength(message.length));
  writer.messageHeader(1, message.length);
  const header = writer.written();
  const bytes = new Uint8Array(header.length + message.length);
  bytes.set(header);
  bytes.set(message, header.length);
  return bytes;
}

export function encodeAgentMessages(structures: NetworkStructures): AgentMessagesPb {
  const interfaces = structures.interfaces.map((iface) => {
    const writer = new WireWriter(interfaceLength(iface));
    writeInterface(writer, iface);
    return writer.written();
  });
  const routesList = encodeList(structures.routes, routeLength, writeRoute);
  return {
    interfaces,
    updateInterfaceRequests: interfaces.map(embed),
    updateRoutesRequest: embed(routesList),
    addArpNeighborsRequest: embed(encodeList(structures.neighbors, neighborLength, writeNeighbor)),
    interfacesList: encodeList(structures.interfaces, interfaceLength, writeInterface),
    routesList,
  };
}
