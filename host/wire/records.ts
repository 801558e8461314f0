// Encodes what the host hands the Wasm core besides kernel messages: PCI paths, CCW devices, the
// classification hints a scan gathers, and endpoints described by hand (structs.json
// EndpointSpec form, DAN). They use netlink framing with private message types, so the
// core reads one stream. The numbers mirror assembly/input/records.ts.
import { NetlinkBuilder } from "../netlink/builder.ts";
import type { EndpointSpec } from "../dan/endpoint-spec.ts";
import { AddressFieldError, hexBytes, ipBytes, ipNetBytes, type IPNetBytes } from "./endpoint-addresses.ts";
import { EXIT_BAD_INPUT } from "../exit-codes.ts";

const KATANET_PCI_PATH = 0x7f01;
const KATANET_BUS_INFO = 0x7f02;
const KATANET_VHOST_USER = 0x7f03;
const KATANET_CCW_DEVICE = 0x7f04;
const KATANET_ENDPOINT = 0x7f10;

const HINT_NAME = 1;
const HINT_VALUE = 2;

const ENDPOINT_NAME = 1;
const ENDPOINT_TYPE = 2;
const ENDPOINT_HWADDR = 3;
const ENDPOINT_PCI_PATH = 4;
const ENDPOINT_MTU = 5;
const ENDPOINT_RAW_FLAGS = 6;
const ENDPOINT_ADDR = 7;
const ENDPOINT_ROUTE = 8;
const ENDPOINT_NEIGH = 9;

const IPNET_IP = 1;
const IPNET_MASK = 2;

const ROUTE_DST = 1;
const ROUTE_GW = 2;
const ROUTE_SRC = 3;
const ROUTE_SCOPE = 4;
const ROUTE_FAMILY = 5;
const ROUTE_FLAGS = 6;
const ROUTE_MTU = 7;
const ROUTE_PROTOCOL = 8;

const NEIGH_IP = 1;
const NEIGH_LLADDR = 2;
const NEIGH_STATE = 3;
const NEIGH_FLAGS = 4;

/** Classification facts a scan gathers per link name, as Kata probes them. */
export interface CaptureHints {
  /** ethtool bus-info (ETHTOOL_GDRVINFO) by link name. */
  busInfo?: Record<string, string>;
  /** vhost-user socket path by link name, for links that have one. */
  vhostUserSockets?: Record<string, string>;
}

export function encodePciPaths(builder: NetlinkBuilder, pciPaths: Record<string, string>): void {
  for (const [name, path] of Object.entries(pciPaths)) encodeHint(builder, KATANET_PCI_PATH, name, path);
}

/** CCW bus ids (0.SSID.DEVNO) by interface name, for hand-described endpoints too. */
export function encodeCcwDevices(builder: NetlinkBuilder, ccwDevices: Record<string, string>): void {
  for (const [name, id] of Object.entries(ccwDevices)) encodeHint(builder, KATANET_CCW_DEVICE, name, id);
}

export function encodeHints(builder: NetlinkBuilder, hints: CaptureHints): void {
  for (const [name, info] of Object.entries(hints.busInfo ?? {})) encodeHint(builder, KATANET_BUS_INFO, name, info);
  for (const [name, path] of Object.entries(hints.vhostUserSockets ?? {})) encodeHint(builder, KATANET_VHOST_USER, name, path);
}

function encodeHint(builder: NetlinkBuilder, type: number, name: string, value: string): void {
  builder.beginMessage(type, 0).attrText(HINT_NAME, name).attrText(HINT_VALUE, value).endMessage();
}

/** An endpoint description that cannot be what Kata reads (wrong type, bad hex, ...). */
export class EndpointSpecError extends Error {
  override name = "EndpointSpecError";
  readonly exitCode = EXIT_BAD_INPUT;
}

export function encodeEndpointSpecs(builder: NetlinkBuilder, specs: readonly EndpointSpec[]): void {
  specs.forEach((spec, index) => {
    try {
      encodeEndpointSpec(builder, spec);
    } catch (error) {
      builder.reset();
      throw new EndpointSpecError(`endpoint ${index} (${JSON.stringify(spec?.name)}): ${(error as Error).message}`);
    }
  });
}

function encodeEndpointSpec(builder: NetlinkBuilder, spec: EndpointSpec): void {
  builder.beginMessage(KATANET_ENDPOINT, 0);
  builder.attrText(ENDPOINT_NAME, text(spec.name, "name"));
  builder.attrText(ENDPOINT_TYPE, text(spec.type, "type"));
  builder.attrText(ENDPOINT_HWADDR, text(spec.hwAddr, "hwAddr"));
  builder.attrText(ENDPOINT_PCI_PATH, text(spec.pciPath ?? "", "pciPath"));
  // Go's uint64(int) conversion: a negative MTU wraps around.
  builder.attrU64(ENDPOINT_MTU, BigInt.asUintN(64, integer(spec.iface?.mtu ?? 0, "iface.mtu")));
  builder.attrU32(ENDPOINT_RAW_FLAGS, low32(spec.iface?.rawFlags ?? 0, "iface.rawFlags"));
  list(spec.addrs, "addrs").forEach((addr, i) => {
    const ipnet = ipNetBytes(addr?.ipnet, `addrs[${i}].ipnet`, "address");
    if (!ipnet) throw new AddressFieldError(`addrs[${i}].ipnet`, "is null (Kata would crash on it)");
    builder.beginNest(ENDPOINT_ADDR);
    encodeIPNet(builder, ipnet);
    builder.endNest();
  });
  list(spec.routes, "routes").forEach((route, i) => encodeRoute(builder, route, `routes[${i}]`));
  list(spec.neighbors, "neighbors").forEach((neigh, i) => {
    const field = `neighbors[${i}]`;
    builder.beginNest(ENDPOINT_NEIGH);
    encodeIP(builder, NEIGH_IP, ipBytes(neigh.ip, `${field}.ip`));
    if (neigh.hardwareAddrHex !== null && neigh.hardwareAddrHex !== undefined) {
      builder.attr(NEIGH_LLADDR, hexBytes(neigh.hardwareAddrHex, `${field}.hardwareAddrHex`));
    }
    builder.attrU32(NEIGH_STATE, low32(neigh.state ?? 0, `${field}.state`));
    builder.attrU32(NEIGH_FLAGS, low32(neigh.flags ?? 0, `${field}.flags`));
    builder.endNest();
  });
  builder.endMessage();
}

function encodeRoute(builder: NetlinkBuilder, route: EndpointSpec["routes"][number], field: string): void {
  builder.beginNest(ENDPOINT_ROUTE);
  const dst = ipNetBytes(route.dst, `${field}.dst`, "destination");
  if (dst) {
    builder.beginNest(ROUTE_DST);
    encodeIPNet(builder, dst);
    builder.endNest();
  }
  encodeIP(builder, ROUTE_GW, ipBytes(route.gw, `${field}.gw`));
  encodeIP(builder, ROUTE_SRC, ipBytes(route.src, `${field}.src`));
  builder.attrU32(ROUTE_SCOPE, low32(route.scope ?? 0, `${field}.scope`));
  builder.attrU32(ROUTE_FAMILY, low32(route.family ?? 0, `${field}.family`));
  builder.attrU32(ROUTE_FLAGS, low32(route.flags ?? 0, `${field}.flags`));
  builder.attrU32(ROUTE_MTU, low32(route.mtu ?? 0, `${field}.mtu`));
  builder.attrU32(ROUTE_PROTOCOL, low32(route.protocol ?? 0, `${field}.protocol`));
  builder.endNest();
}

function encodeIPNet(builder: NetlinkBuilder, ipnet: IPNetBytes): void {
  encodeIP(builder, IPNET_IP, ipnet.ip);
  if (ipnet.mask) builder.attr(IPNET_MASK, ipnet.mask);
}

function encodeIP(builder: NetlinkBuilder, type: number, ip: Uint8Array | null): void {
  if (ip) builder.attr(type, ip);
}

function list<T>(value: readonly T[] | undefined | null, field: string): readonly T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TypeError(`${field} must be an array, got ${JSON.stringify(value)}`);
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string") throw new TypeError(`${field} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function integer(value: unknown, field: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`${field} must be an integer, got ${JSON.stringify(value)}`);
}

/** Go's int -> uint32/int32 conversions keep the low 32 bits. */
function low32(value: unknown, field: string): number {
  return Number(BigInt.asUintN(32, integer(value, field)));
}
