// Decodes a stream of rtnetlink messages the way vishvananda/netlink v1.2.1-beta.2 does
// (LinkDeserialize, parseAddr, deserializeRoute, NeighDeserialize) and applies the
// filtering its LinkList / AddrList / RouteList / NeighList apply before Kata sees a value.
// Host byte order is little-endian, as in every captured fixture.

import type { Addr, IPNet, Link, Neigh, Route } from "./model.ts";
import { ipEqual } from "./text.ts";

const RTM_NEWLINK = 16;
const RTM_NEWADDR = 20;
const RTM_NEWROUTE = 24;
const RTM_NEWNEIGH = 28;

const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_TUN_TYPE = 3;

const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const AF_INET = 2;

const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_PREFSRC = 7;
const RTA_METRICS = 8;
const RTAX_MTU = 2;
const RTM_F_CLONED = 0x200;
const RT_TABLE_MAIN = 254;

const NDA_DST = 1;
const NDA_LLADDR = 2;

const NLMSG_HDRLEN = 16;
const IFINFOMSG_LEN = 16;
const IFADDRMSG_LEN = 8;
const RTMSG_LEN = 12;
const NDMSG_LEN = 12;

/** Every object of one namespace dump, already filtered like the Go library. */
export interface NetlinkDump {
  links: Link[];
  addrs: Addr[];
  routes: Route[];
  neighs: Neigh[];
}

const align4 = (n: number): number => (n + 3) & ~3;
const utf8 = new TextDecoder();

/** Calls `visit(type, value)` for each attribute in `bytes[start, end)`; a value is a view,
 * not a copy, as Go's slices alias the receive buffer. */
function forEachAttribute(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  visit: (type: number, valueStart: number, valueEnd: number) => void,
): void {
  let offset = start;
  while (offset + 4 <= end) {
    const length = view.getUint16(offset, true);
    if (length < 4 || offset + length > end) {
      throw new Error(`netlink: attribute at byte ${offset} has length ${length}, ${end - offset} bytes remain`);
    }
    visit(view.getUint16(offset + 2, true), offset + 4, offset + length);
    offset += align4(length);
  }
}

/** Go's net.CIDRMask: nil unless `bits` is 32 or 128 and `ones` fits. */
function cidrMask(ones: number, bits: number): Uint8Array | null {
  if ((bits !== 32 && bits !== 128) || ones < 0 || ones > bits) return null;
  const mask = new Uint8Array(bits / 8);
  for (let i = 0; i < mask.length; i++) {
    const remaining = ones - i * 8;
    mask[i] = remaining >= 8 ? 0xff : remaining <= 0 ? 0 : (0xff << (8 - remaining)) & 0xff;
  }
  return mask;
}

function decodeLink(bytes: Uint8Array, view: DataView, start: number, end: number): Link {
  const link: Link = {
    index: view.getInt32(start + 4, true),
    name: "",
    mtu: 0,
    rawFlags: view.getUint32(start + 8, true),
    hardwareAddr: null,
    type: "device",
    tuntapMode: 0,
  };
  forEachAttribute(bytes, view, start + IFINFOMSG_LEN, end, (type, from, to) => {
    switch (type) {
      case IFLA_ADDRESS:
        // An all-zero address (lo, tunnels) is reported as no address.
        if (bytes.subarray(from, to).some((byte) => byte !== 0)) link.hardwareAddr = bytes.subarray(from, to);
        break;
      case IFLA_IFNAME:
        link.name = utf8.decode(bytes.subarray(from, to - 1));
        break;
      case IFLA_MTU:
        link.mtu = view.getUint32(from, true);
        break;
      case IFLA_LINKINFO:
        decodeLinkInfo(bytes, view, from, to, link);
        break;
    }
  });
  return link;
}

function decodeLinkInfo(bytes: Uint8Array, view: DataView, start: number, end: number, link: Link): void {
  let kind = "";
  forEachAttribute(bytes, view, start, end, (type, from, to) => {
    if (type === IFLA_INFO_KIND) {
      kind = utf8.decode(bytes.subarray(from, to - 1));
      // Every kind but "tun" names its Go link type alike; the kinds Kata rejects only
      // need the name for the error text.
      link.type = kind === "tun" ? "tuntap" : kind;
    } else if (type === IFLA_INFO_DATA && kind === "tun") {
      forEachAttribute(bytes, view, from, to, (dataType, dataFrom) => {
        if (dataType === IFLA_TUN_TYPE) link.tuntapMode = bytes[dataFrom];
      });
    }
  });
}

function decodeAddr(bytes: Uint8Array, view: DataView, start: number, end: number): Addr {
  const family = bytes[start];
  const prefixLength = bytes[start + 1];
  // Typed wide so the assignments made inside the callback are not narrowed away.
  let address = null as IPNet | null;
  let local = null as IPNet | null;
  forEachAttribute(bytes, view, start + IFADDRMSG_LEN, end, (type, from, to) => {
    const ip = bytes.subarray(from, to);
    if (type === IFA_ADDRESS) address = { ip, mask: cidrMask(prefixLength, ip.length * 8) };
    else if (type === IFA_LOCAL) local = { ip, mask: cidrMask(ip.length * 8, ip.length * 8) };
  });
  // libnl's rule: IFA_LOCAL is the address itself unless an IPv4 IFA_ADDRESS repeats it,
  // so peer addresses come out with a full-length mask.
  let ipNet = address;
  if (local !== null) {
    const repeated = family === AF_INET && address !== null && ipEqual(local.ip, address.ip);
    ipNet = repeated ? address : local;
  }
  if (ipNet === null) {
    throw new Error(`netlink: RTM_NEWADDR at byte ${start - NLMSG_HDRLEN} has neither IFA_ADDRESS nor IFA_LOCAL`);
  }
  return { linkIndex: view.getUint32(start + 4, true), ipNet };
}

/** Null when RouteList would not return the route to any link. */
function decodeRoute(bytes: Uint8Array, view: DataView, start: number, end: number): Route | null {
  const flags = view.getUint32(start + 8, true);
  if (flags & RTM_F_CLONED || bytes[start + 4] !== RT_TABLE_MAIN) return null;
  const destinationLength = bytes[start + 1];
  const route: Route = {
    linkIndex: 0,
    dst: null,
    gw: null,
    src: null,
    scope: bytes[start + 6],
    family: bytes[start],
    flags,
    protocol: bytes[start + 5],
    mtu: 0,
  };
  forEachAttribute(bytes, view, start + RTMSG_LEN, end, (type, from, to) => {
    switch (type) {
      case RTA_DST:
        route.dst = { ip: bytes.subarray(from, to), mask: cidrMask(destinationLength, (to - from) * 8) };
        break;
      case RTA_OIF:
        route.linkIndex = view.getUint32(from, true);
        break;
      case RTA_GATEWAY:
        route.gw = bytes.subarray(from, to);
        break;
      case RTA_PREFSRC:
        route.src = bytes.subarray(from, to);
        break;
      case RTA_METRICS:
        forEachAttribute(bytes, view, from, to, (metric, valueFrom) => {
          if (metric === RTAX_MTU) route.mtu = view.getUint32(valueFrom, true);
        });
        break;
    }
  });
  // Multipath and reject routes carry no RTA_OIF, so no link's RouteList has them.
  return route.linkIndex === 0 ? null : route;
}

function decodeNeigh(bytes: Uint8Array, view: DataView, start: number, end: number): Neigh {
  const neigh: Neigh = {
    linkIndex: view.getInt32(start + 4, true),
    ip: null,
    hardwareAddr: null,
    state: view.getUint16(start + 8, true),
    flags: bytes[start + 10],
  };
  forEachAttribute(bytes, view, start + NDMSG_LEN, end, (type, from, to) => {
    if (type === NDA_DST) neigh.ip = bytes.subarray(from, to);
    // A 4-byte NDA_LLADDR is an IP (LLIPAddr), which Kata ignores. A 16-byte one makes
    // the library ask for the link's encapsulation in the caller's namespace; outside
    // an ip6 tunnel it is a hardware address, the case kept here.
    else if (type === NDA_LLADDR && to - from !== 4) neigh.hardwareAddr = bytes.subarray(from, to);
  });
  return neigh;
}

const familyHeaderLength: Record<number, number> = {
  [RTM_NEWLINK]: IFINFOMSG_LEN,
  [RTM_NEWADDR]: IFADDRMSG_LEN,
  [RTM_NEWROUTE]: RTMSG_LEN,
  [RTM_NEWNEIGH]: NDMSG_LEN,
};

/** Decodes every RTM_NEW{LINK,ADDR,ROUTE,NEIGH} message of `stream` (4-byte aligned
 * nlmsghdr framing); other message types are skipped, as a dump's NLMSG_DONE is. */
export function decodeNetlinkDump(stream: Uint8Array): NetlinkDump {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const dump: NetlinkDump = { links: [], addrs: [], routes: [], neighs: [] };
  let offset = 0;
  while (offset + NLMSG_HDRLEN <= stream.length) {
    const length = view.getUint32(offset, true);
    const type = view.getUint16(offset + 4, true);
    if (length < NLMSG_HDRLEN || offset + length > stream.length) {
      throw new Error(`netlink: message at byte ${offset} has length ${length}, ${stream.length - offset} bytes remain`);
    }
    const start = offset + NLMSG_HDRLEN;
    const end = offset + length;
    const headerLength = familyHeaderLength[type];
    if (headerLength !== undefined && start + headerLength > end) {
      throw new Error(`netlink: message of type ${type} at byte ${offset} is shorter than its family header`);
    }
    if (type === RTM_NEWLINK) dump.links.push(decodeLink(stream, view, start, end));
    else if (type === RTM_NEWADDR) dump.addrs.push(decodeAddr(stream, view, start, end));
    else if (type === RTM_NEWROUTE) {
      const route = decodeRoute(stream, view, start, end);
      if (route !== null) dump.routes.push(route);
    } else if (type === RTM_NEWNEIGH) dump.neighs.push(decodeNeigh(stream, view, start, end));
    offset += align4(length);
  }
  if (offset < stream.length) {
    throw new Error(`netlink: ${stream.length - offset} trailing bytes at byte ${offset}`);
  }
  return dump;
}
