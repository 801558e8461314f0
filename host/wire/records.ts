// Encodes what the host hands the Wasm core besides kernel messages: PCI paths, CCW devices, the
// classification hints a scan gathers, and endpoints described by hand (structs.json
// EndpointSpec form, DAN). They use netlink framing with private message types, so the
// core reads one stream. The numbers are the core's own (assembly/input/record-types.ts),
// read from the module it is handed: `ids`, a core's `abi`.
import { NetlinkBuilder } from "../netlink/builder.ts";
import type { CoreAbi } from "../core-abi.ts";
import type { EndpointSpec } from "../dan/endpoint-spec.ts";
import { AddressFieldError, hexBytes, ipBytes, ipNetBytes, type IPNetBytes } from "./endpoint-addresses.ts";
import { EXIT_BAD_INPUT } from "../exit-codes.ts";

/** Classification facts a scan gathers per link name, as Kata probes them. */
export interface CaptureHints {
  /** ethtool bus-info (ETHTOOL_GDRVINFO) by link name. */
  busInfo?: Record<string, string>;
  /** vhost-user socket path by link name, for links that have one. */
  vhostUserSockets?: Record<string, string>;
}

export function encodePciPaths(builder: NetlinkBuilder, ids: CoreAbi, pciPaths: Record<string, string>): void {
  for (const [name, path] of Object.entries(pciPaths)) encodeHint(builder, ids, ids.KATANET_PCI_PATH, name, path);
}

/** CCW bus ids (0.SSID.DEVNO) by interface name, for hand-described endpoints too. */
export function encodeCcwDevices(builder: NetlinkBuilder, ids: CoreAbi, ccwDevices: Record<string, string>): void {
  for (const [name, id] of Object.entries(ccwDevices)) encodeHint(builder, ids, ids.KATANET_CCW_DEVICE, name, id);
}

export function encodeHints(builder: NetlinkBuilder, ids: CoreAbi, hints: CaptureHints): void {
  for (const [name, info] of Object.entries(hints.busInfo ?? {})) encodeHint(builder, ids, ids.KATANET_BUS_INFO, name, info);
  for (const [name, path] of Object.entries(hints.vhostUserSockets ?? {})) encodeHint(builder, ids, ids.KATANET_VHOST_USER, name, path);
}

function encodeHint(builder: NetlinkBuilder, ids: CoreAbi, type: number, name: string, value: string): void {
  builder.beginMessage(type, 0).attrText(ids.RECORD_HINT_NAME, name).attrText(ids.RECORD_HINT_VALUE, value).endMessage();
}

/** An endpoint description that cannot be what Kata reads (wrong type, bad hex, ...). */
export class EndpointSpecError extends Error {
  override name = "EndpointSpecError";
  readonly exitCode = EXIT_BAD_INPUT;
}

export function encodeEndpointSpecs(builder: NetlinkBuilder, ids: CoreAbi, specs: readonly EndpointSpec[]): void {
  specs.forEach((spec, index) => {
    try {
      encodeEndpointSpec(builder, ids, spec);
    } catch (error) {
      builder.reset();
      throw new EndpointSpecError(`endpoint ${index} (${JSON.stringify(spec?.name)}): ${(error as Error).message}`);
    }
  });
}

function encodeEndpointSpec(builder: NetlinkBuilder, ids: CoreAbi, spec: EndpointSpec): void {
  builder.beginMessage(ids.KATANET_ENDPOINT, 0);
  builder.attrText(ids.RECORD_ENDPOINT_NAME, text(spec.name, "name"));
  builder.attrText(ids.RECORD_ENDPOINT_TYPE, text(spec.type, "type"));
  builder.attrText(ids.RECORD_ENDPOINT_HWADDR, text(spec.hwAddr, "hwAddr"));
  builder.attrText(ids.RECORD_ENDPOINT_PCI_PATH, text(spec.pciPath ?? "", "pciPath"));
  // Go's uint64(int) conversion: a negative MTU wraps around.
  builder.attrU64(ids.RECORD_ENDPOINT_MTU, BigInt.asUintN(64, integer(spec.iface?.mtu ?? 0, "iface.mtu")));
  builder.attrU32(ids.RECORD_ENDPOINT_RAW_FLAGS, low32(spec.iface?.rawFlags ?? 0, "iface.rawFlags"));
  list(spec.addrs, "addrs").forEach((addr, i) => {
    const ipnet = ipNetBytes(addr?.ipnet, `addrs[${i}].ipnet`, "address");
    if (!ipnet) throw new AddressFieldError(`addrs[${i}].ipnet`, "is null (Kata would crash on it)");
    builder.beginNest(ids.RECORD_ENDPOINT_ADDR);
    encodeIPNet(builder, ids, ipnet);
    builder.endNest();
  });
  list(spec.routes, "routes").forEach((route, i) => encodeRoute(builder, ids, route, `routes[${i}]`));
  list(spec.neighbors, "neighbors").forEach((neigh, i) => {
    const field = `neighbors[${i}]`;
    builder.beginNest(ids.RECORD_ENDPOINT_NEIGH);
    encodeIP(builder, ids.RECORD_NEIGH_IP, ipBytes(neigh.ip, `${field}.ip`));
    if (neigh.hardwareAddrHex !== null && neigh.hardwareAddrHex !== undefined) {
      builder.attr(ids.RECORD_NEIGH_LLADDR, hexBytes(neigh.hardwareAddrHex, `${field}.hardwareAddrHex`));
    }
    builder.attrU32(ids.RECORD_NEIGH_STATE, low32(neigh.state ?? 0, `${field}.state`));
    builder.attrU32(ids.RECORD_NEIGH_FLAGS, low32(neigh.flags ?? 0, `${field}.flags`));
    builder.endNest();
  });
  builder.endMessage();
}

function encodeRoute(builder: NetlinkBuilder, ids: CoreAbi, route: EndpointSpec["routes"][number], field: string): void {
  builder.beginNest(ids.RECORD_ENDPOINT_ROUTE);
  const dst = ipNetBytes(route.dst, `${field}.dst`, "destination");
  if (dst) {
    builder.beginNest(ids.RECORD_ROUTE_DST);
    encodeIPNet(builder, ids, dst);
    builder.endNest();
  }
  encodeIP(builder, ids.RECORD_ROUTE_GW, ipBytes(route.gw, `${field}.gw`));
  encodeIP(builder, ids.RECORD_ROUTE_SRC, ipBytes(route.src, `${field}.src`));
  builder.attrU32(ids.RECORD_ROUTE_SCOPE, low32(route.scope ?? 0, `${field}.scope`));
  builder.attrU32(ids.RECORD_ROUTE_FAMILY, low32(route.family ?? 0, `${field}.family`));
  builder.attrU32(ids.RECORD_ROUTE_FLAGS, low32(route.flags ?? 0, `${field}.flags`));
  builder.attrU32(ids.RECORD_ROUTE_MTU, low32(route.mtu ?? 0, `${field}.mtu`));
  builder.attrU32(ids.RECORD_ROUTE_PROTOCOL, low32(route.protocol ?? 0, `${field}.protocol`));
  builder.endNest();
}

function encodeIPNet(builder: NetlinkBuilder, ids: CoreAbi, ipnet: IPNetBytes): void {
  encodeIP(builder, ids.RECORD_IPNET_IP, ipnet.ip);
  if (ipnet.mask) builder.attr(ids.RECORD_IPNET_MASK, ipnet.mask);
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
