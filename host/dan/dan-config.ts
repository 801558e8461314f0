// Kata's DAN document types (`virtcontainers/types/dan.go`) as Go declares them. The Go
// types matter beyond the values: they decide which JSON is a type error (a field Kata
// never reads, like `queue_num`, still rejects a string) and they name themselves in
// Go's error texts (`Go struct field Interface.devices.network_info.interface.mtu of
// type uint64`).

import { decodeGoValue, type GoField, type GoType } from "./go-decode.ts";
import { readJson } from "./json.ts";

export interface DanConfig {
  netns: string | null;
  devices: DanDevice[] | null;
}

export interface DanDevice {
  name: string;
  guestMac: string;
  device: { type: string; path: string; pciDeviceId: string; tapName: string; queueNum: bigint; queueSize: bigint };
  networkInfo: {
    interface: { ipAddresses: string[] | null; mtu: bigint; ntype: string; flags: bigint };
    routes: DanRoute[] | null;
    neighbors: DanNeighbor[] | null;
  };
}

export interface DanRoute {
  dest: string;
  gateway: string;
  source: string;
  scope: bigint;
}

export interface DanNeighbor {
  ipAddress: string;
  hardwareAddr: string;
  state: bigint;
  flags: bigint;
}

const string: GoType = { kind: "string", name: "string" };
const uint32: GoType = { kind: "uint", bits: 32 };
const uint64: GoType = { kind: "uint", bits: 64 };
const int: GoType = { kind: "int" };
const field = (tag: string, property: string, type: GoType): GoField => ({ tag, property, type });
const struct = (name: string, fields: GoField[]): GoType => ({ kind: "struct", name: `types.${name}`, fields });
const sliceOf = (elem: GoType): GoType => ({ kind: "slice", elem });

const deviceType = struct("Device", [
  field("type", "type", { kind: "string", name: "types.DanDeviceType" }),
  field("path", "path", string),
  field("pci_device_id", "pciDeviceId", string),
  field("tap_name", "tapName", string),
  field("queue_num", "queueNum", int),
  field("queue_size", "queueSize", int),
]);

const interfaceType = struct("Interface", [
  field("ip_addresses", "ipAddresses", sliceOf(string)),
  field("mtu", "mtu", uint64),
  field("ntype", "ntype", string),
  field("flags", "flags", uint32),
]);

const routeType = struct("Route", [
  field("dest", "dest", string),
  field("gateway", "gateway", string),
  field("source", "source", string),
  field("scope", "scope", uint32),
]);

const neighborType = struct("ARPNeighbor", [
  field("ip_address", "ipAddress", string),
  field("hardware_addr", "hardwareAddr", string),
  field("state", "state", uint32),
  field("flags", "flags", uint32),
]);

const networkInfoType = struct("NetworkInfo", [
  field("interface", "interface", interfaceType),
  field("routes", "routes", sliceOf(routeType)),
  field("neighbors", "neighbors", sliceOf(neighborType)),
]);

const danDeviceType = struct("DanDevice", [
  field("name", "name", string),
  field("guest_mac", "guestMac", string),
  field("device", "device", deviceType),
  field("network_info", "networkInfo", networkInfoType),
]);

const danConfigType = struct("DanConfig", [
  field("netns", "netns", { kind: "pointer", elem: string }),
  field("devices", "devices", sliceOf(danDeviceType)),
]);

/**
 * `json.Unmarshal(bytes, &config)` for a DanConfig. Throws JsonSyntaxError or JsonTypeError
 * carrying Go's message.
 */
export function decodeDanConfig(bytes: Uint8Array): DanConfig {
  return decodeGoValue(danConfigType, readJson(bytes)) as DanConfig;
}
