// Kata's agent protocol (proto/types.proto, proto/agent.proto) loaded with protobufjs:
// decodes the core's protobuf output into objects and gives them the exact protojson
// shape Go prints (protojson EmitUnpopulated), which is what users and tests compare.

import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { packageFile } from "./paths.ts";

export type IPFamilyName = "v4" | "v6";

export interface IPAddress {
  family: number;
  address: string;
  mask: string;
}

export interface Interface {
  device: string;
  name: string;
  IPAddresses: IPAddress[];
  /** uint64: protobufjs gives a Long when the value does not fit a double exactly. */
  mtu: number | protobuf.Long;
  hwAddr: string;
  devicePath: string;
  type: string;
  rawFlags: number;
}

export interface Route {
  dest: string;
  gateway: string;
  device: string;
  source: string;
  scope: number;
  family: number;
  flags: number;
  mtu: number;
}

export interface ARPNeighbor {
  toIPAddress: IPAddress | null;
  device: string;
  lladdr: string;
  state: number;
  flags: number;
}

export interface Messages {
  IPAddress: IPAddress;
  Interface: Interface;
  Route: Route;
  ARPNeighbor: ARPNeighbor;
  Interfaces: { Interfaces: Interface[] };
  Routes: { Routes: Route[] };
  ARPNeighbors: { ARPNeighbors: ARPNeighbor[] };
  UpdateInterfaceRequest: { interface: Interface | null };
  UpdateRoutesRequest: { routes: { Routes: Route[] } | null };
  AddARPNeighborsRequest: { neighbors: { ARPNeighbors: ARPNeighbor[] } | null };
}

export type MessageKind = keyof Messages;

export interface IPAddressJson {
  family: IPFamilyName;
  address: string;
  mask: string;
}

export interface InterfaceJson {
  device: string;
  name: string;
  IPAddresses: IPAddressJson[];
  mtu: string;
  hwAddr: string;
  devicePath: string;
  type: string;
  rawFlags: number;
}

export interface RouteJson {
  dest: string;
  gateway: string;
  device: string;
  source: string;
  scope: number;
  family: IPFamilyName;
  flags: number;
  mtu: number;
}

export interface ARPNeighborJson {
  toIPAddress: IPAddressJson | null;
  device: string;
  lladdr: string;
  state: number;
  flags: number;
}

export interface MessagesJson {
  IPAddress: IPAddressJson;
  Interface: InterfaceJson;
  Route: RouteJson;
  ARPNeighbor: ARPNeighborJson;
  Interfaces: { Interfaces: InterfaceJson[] };
  Routes: { Routes: RouteJson[] };
  ARPNeighbors: { ARPNeighbors: ARPNeighborJson[] };
  UpdateInterfaceRequest: { interface: InterfaceJson | null };
  UpdateRoutesRequest: { routes: { Routes: RouteJson[] } | null };
  AddARPNeighborsRequest: { neighbors: { ARPNeighbors: ARPNeighborJson[] } | null };
}

/** The .proto files in the order protobuf.parse needs them: types.proto first, so that
 * agent.proto's import is satisfied when the root resolves; katanet.proto (the watch/serve
 * stream) builds on both. */
export const PROTO_FILES = ["types.proto", "agent.proto", "katanet.proto"] as const;

/** Parsed from source text rather than with protobuf.loadSync, whose file access goes
 * through a dynamic require that Deno does not provide. */
export function parseProtos(sources: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  for (const source of sources) protobuf.parse(source, root);
  root.resolveAll();
  return root;
}

let root: protobuf.Root | undefined;

/** proto/'s types, parsed once, on first use. */
export function schemaRoot(): protobuf.Root {
  return (root ??= parseProtos(PROTO_FILES.map((file) => readFileSync(packageFile("proto", file), "utf8"))));
}

const types = new Map<MessageKind, protobuf.Type>();

/** The protobufjs type of one agent message: its kind is its name in types.proto or agent.proto. */
export function messageType(kind: MessageKind): protobuf.Type {
  let type = types.get(kind);
  if (!type) {
    type = schemaRoot().lookupType(kind);
    types.set(kind, type);
  }
  return type;
}

/** Any message type of the loaded protos by its full name ("katanet.Envelope"). */
export function typeByName(fullName: string): protobuf.Type {
  return schemaRoot().lookupType(fullName);
}

export function decode<K extends MessageKind>(kind: K, bytes: Uint8Array): Messages[K] {
  return messageType(kind).decode(bytes) as unknown as Messages[K];
}

export function encode<K extends MessageKind>(kind: K, message: Messages[K]): Uint8Array {
  return messageType(kind).encode(message as unknown as protobuf.Message).finish();
}

/** Go's protojson view (EmitUnpopulated): every field in field-number order, zero scalars
 * present, [] for an empty repeated field, null for an unset message, enum names, 64-bit
 * integers as decimal strings. */
export function toProtoJson<K extends MessageKind>(kind: K, message: Messages[K]): MessagesJson[K] {
  return messageToJson(messageType(kind), message as unknown as Record<string, unknown>) as MessagesJson[K];
}

const fieldsInWireOrder = new Map<protobuf.Type, protobuf.Field[]>();

function messageToJson(type: protobuf.Type, message: Record<string, unknown>): Record<string, unknown> {
  let fields = fieldsInWireOrder.get(type);
  if (!fields) {
    fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
    fieldsInWireOrder.set(type, fields);
  }
  const json: Record<string, unknown> = {};
  for (const field of fields) {
    const value = message[field.name];
    json[field.name] = field.repeated
      ? ((value as unknown[] | null | undefined) ?? []).map((item) => valueToJson(field, item))
      : valueToJson(field, value);
  }
  return json;
}

function valueToJson(field: protobuf.Field, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    return value == null ? null : messageToJson(resolved, value as Record<string, unknown>);
  }
  if (resolved instanceof protobuf.Enum) {
    const number = (value as number | null | undefined) ?? 0;
    // protojson prints a number for a value the enum does not name.
    return resolved.valuesById[number] ?? number;
  }
  if (field.type in protobuf.types.long) return String(value ?? 0);
  return value ?? field.typeDefault;
}
