// The Go values the reference works on, kept as close to Go's types as JS allows:
// `net.IP`, `net.IPMask` and `net.HardwareAddr` are byte slices where `null` is Go's nil
// and a zero-length array is an empty, non-nil slice; the difference shows in the output.

import type { AgentMessages } from "../../host/core-types.ts";

export type IP = Uint8Array | null;
export type IPMask = Uint8Array | null;
export type HardwareAddr = Uint8Array | null;

export interface IPNet {
  ip: IP;
  mask: IPMask;
}

/** What kata keeps of a `netlink.Link`: its `LinkAttrs` and `Type()`. */
export interface Link {
  index: number;
  name: string;
  mtu: number;
  /** `ifi_flags` as received. */
  rawFlags: number;
  hardwareAddr: HardwareAddr;
  /** `Link.Type()`: the `IFLA_INFO_KIND` ("tun" reads "tuntap"), "device" without one. */
  type: string;
  /** `Tuntap.Mode` (`IFLA_TUN_TYPE`), 0 when not a tuntap or not reported. */
  tuntapMode: number;
}

export interface Addr {
  linkIndex: number;
  ipNet: IPNet;
}

export interface Route {
  linkIndex: number;
  dst: IPNet | null;
  gw: IP;
  src: IP;
  scope: number;
  family: number;
  flags: number;
  protocol: number;
  mtu: number;
}

export interface Neigh {
  linkIndex: number;
  ip: IP;
  hardwareAddr: HardwareAddr;
  state: number;
  flags: number;
}

/** Kata's `NetworkInfo` of one link, as `networkInfoFromLink` returns it. */
export interface NetworkInfo {
  link: Link;
  addrs: Addr[];
  routes: Route[];
  neighbors: Neigh[];
}

/** What `generateVCNetworkStructures` reads from a Kata endpoint. */
export interface Endpoint {
  name: string;
  /** Kata's EndpointType string ("virtual" for veth). */
  type: string;
  /** `Endpoint.HardwareAddr()`, already text. */
  hardwareAddr: string;
  /** `PciPath().String()`. */
  devicePath: string;
  properties: NetworkInfo;
}

/** `types.IPFamily`: 0 is v4, 1 is v6. */
export type IPFamily = 0 | 1;

export interface IPAddressMessage {
  family: IPFamily;
  address: string;
  mask: string;
}

export interface InterfaceMessage {
  device: string;
  name: string;
  IPAddresses: IPAddressMessage[];
  /** Go `uint64(int)`: a negative value stands for its two's complement. */
  mtu: number;
  hwAddr: string;
  devicePath: string;
  type: string;
  rawFlags: number;
}

export interface RouteMessage {
  dest: string;
  gateway: string;
  device: string;
  source: string;
  scope: number;
  family: IPFamily;
  flags: number;
  mtu: number;
}

export interface ARPNeighborMessage {
  toIPAddress: IPAddressMessage;
  device: string;
  lladdr: string;
  state: number;
  flags: number;
}

export interface NetworkStructures {
  interfaces: InterfaceMessage[];
  routes: RouteMessage[];
  neighbors: ARPNeighborMessage[];
}

/** The encodings a fixture's `expected.<rule>.pb` records, as bytes: the same six messages the host returns. */
export type AgentMessagesPb = AgentMessages;

export type NeighborRule = "seed" | "preseedGateway";
