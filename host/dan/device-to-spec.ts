// One DAN device to an endpoint spec, with the semantics of Kata's
// `convertDanDeviceToNetworkInfo` (followed by `createVfioEndpoint`'s field copy). Kata
// validates only some fields: the guest MAC, the addresses, route destinations and
// neighbour MACs fail the whole file; gateways, sources and neighbour IPs go through
// net.ParseIP and silently become nil when they do not parse.

import { Buffer } from "node:buffer";
import { macText } from "../attach/mac.ts";
import { GoParseError, parseAddr, parseCIDR, parseIP, parseMAC, type GoIPNet } from "../text/goparse.ts";
import type { DanDevice } from "./dan-config.ts";
import type { EndpointSpec, GoIPNetSpec, GoIPSpec } from "./endpoint-spec.ts";

const AF_INET = 2;
const AF_INET6 = 10;

/** A conversion error in Kata's words, before the device name is attached to it. */
export class DeviceConversionError extends Error {}

export function danDeviceToSpec(device: DanDevice): EndpointSpec {
  const mac = parseOrExplain("bad mac address in DAN config", () => parseMAC(device.guestMac));
  const { interface: iface, routes, neighbors } = device.networkInfo;
  return {
    name: device.name,
    type: "", // set once the device type is known to be one Kata supports
    hwAddr: macText(mac), // net.HardwareAddr.String()
    pciPath: "",
    iface: { name: device.name, mtu: goInt(iface.mtu), rawFlags: 0, hardwareAddrHex: toHex(mac), flags: Number(iface.flags) },
    addrs: (iface.ipAddresses ?? []).map((text) => {
      const addr = parseOrExplain("bad IP address in DAN config", () => parseAddr(text));
      return { ipnet: ipNetSpec(addr.ipNet), label: addr.label };
    }),
    routes: (routes ?? []).map((route) => {
      const dst = route.dest.length > 0 ? parseOrExplain("bad route dest in DAN config", () => parseCIDR(route.dest).ipNet) : null;
      const gw = parseIP(route.gateway);
      return {
        dst: dst && ipNetSpec(dst),
        gw: ipSpec(gw),
        src: ipSpec(parseIP(route.source)),
        scope: Number(route.scope & 0xffn), // netlink.Scope is a uint8
        // Kata derives the family from the gateway alone; no usable gateway means IPv6.
        family: gw !== null && isIPv4(gw) ? AF_INET : AF_INET6,
        flags: 0,
        mtu: 0,
        protocol: 0,
      };
    }),
    neighbors: (neighbors ?? []).map((neighbor) => {
      // Every neighbour needs a valid MAC, even one the neighbour rules will drop later.
      const neighborMac = parseOrExplain("bad neighbor hardware address in DAN config", () => parseMAC(neighbor.hardwareAddr));
      return {
        ip: ipSpec(parseIP(neighbor.ipAddress)),
        hardwareAddrHex: toHex(neighborMac),
        state: Number(neighbor.state),
        flags: Number(neighbor.flags),
      };
    }),
  };
}

function parseOrExplain<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof GoParseError) throw new DeviceConversionError(`${what}: ${error.message}`);
    throw error;
  }
}

/** Go's `int(u)` of a uint64 on 64-bit: values from 2^63 wrap negative. */
function goInt(value: bigint): number | bigint {
  const signed = BigInt.asIntN(64, value);
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed;
}

/** IP.To4() != nil: the 16-byte IPv4-in-IPv6 form (ParseIP never returns 4 bytes). */
function isIPv4(ip: Uint8Array): boolean {
  return ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

const ipSpec = (ip: Uint8Array | null): GoIPSpec | null => (ip === null ? null : { hex: toHex(ip) });

const ipNetSpec = (net: GoIPNet): GoIPNetSpec => ({ ip: { hex: toHex(net.ip) }, mask: { hex: toHex(net.mask) } });
