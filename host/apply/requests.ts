// The netlink writes Kata's agent makes, built byte by byte: link changes (RTM_SETLINK),
// addresses (RTM_NEWADDR), routes (RTM_NEWROUTE) and neighbours (RTM_NEWNEIGH). The socket
// adds NLM_F_REQUEST, NLM_F_ACK and the sequence number.

import { NetlinkBuilder } from "../netlink/builder.ts";
import type { Family } from "./text.ts";
import { AF_INET, AF_INET6, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWNEIGH, IFF_UP, IFF_NOARP, IFLA_IFNAME, IFA_ADDRESS, RT_TABLE_MAIN, RTPROT_BOOT, RTN_UNICAST } from "../netlink/constants.ts";

const RTM_SETLINK = 19;

const NLM_F_REPLACE = 0x100;
const NLM_F_CREATE = 0x400;
/** Create, or replace what is there: the agent's "add or update" for addresses, routes, neighbours. */
const CREATE_OR_REPLACE = NLM_F_CREATE | NLM_F_REPLACE;

const IFLA_MTU = 4;
const IFA_LOCAL = 2;
const IFA_BROADCAST = 4;
const RTA_DST = 1;
const RTA_SRC = 2;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_PREFSRC = 7;
const RTA_METRICS = 8;
const RTAX_MTU = 2;
const NDA_DST = 1;
const NDA_LLADDR = 2;

const addressFamily = (family: Family) => (family === 4 ? AF_INET : AF_INET6);

export interface LinkChange {
  up?: boolean;
  arp?: boolean;
  mtu?: number;
  name?: string;
}

/** RTM_SETLINK on one link. ifi_change names exactly the flags being set, so the kernel
 * leaves every other flag as it is (a zero ifi_change would mean "all flags"). */
export function setLinkRequest(index: number, change: LinkChange): Uint8Array {
  let flags = 0;
  let changed = 0;
  if (change.up !== undefined) {
    changed |= IFF_UP;
    if (change.up) flags |= IFF_UP;
  }
  if (change.arp !== undefined) {
    changed |= IFF_NOARP;
    if (!change.arp) flags |= IFF_NOARP;
  }
  const ifinfomsg = new Uint8Array(16);
  const view = new DataView(ifinfomsg.buffer);
  view.setInt32(4, index, true);
  view.setUint32(8, flags, true);
  view.setUint32(12, changed, true);
  const builder = new NetlinkBuilder(128).beginMessage(RTM_SETLINK, 0).header(ifinfomsg);
  if (change.mtu !== undefined) builder.attrU32(IFLA_MTU, change.mtu);
  if (change.name !== undefined) builder.attrCString(IFLA_IFNAME, change.name);
  return builder.endMessage().finish();
}

/** RTM_NEWADDR as the agent's rtnetlink sends it: IFA_ADDRESS and IFA_LOCAL both the
 * address (so no peer), and for IPv4 the broadcast address of the prefix. */
export function newAddressRequest(index: number, family: Family, address: Uint8Array, length: number): Uint8Array {
  const ifaddrmsg = new Uint8Array(8);
  ifaddrmsg[0] = addressFamily(family);
  ifaddrmsg[1] = length;
  new DataView(ifaddrmsg.buffer).setUint32(4, index, true);
  const builder = new NetlinkBuilder(128)
    .beginMessage(RTM_NEWADDR, CREATE_OR_REPLACE)
    .header(ifaddrmsg)
    .attr(IFA_ADDRESS, address)
    .attr(IFA_LOCAL, address);
  if (family === 4) builder.attr(IFA_BROADCAST, ipv4Broadcast(address, length));
  return builder.endMessage().finish();
}

function ipv4Broadcast(address: Uint8Array, length: number): Uint8Array {
  const value = new DataView(address.buffer, address.byteOffset, 4).getUint32(0);
  const hostBits = length === 0 ? 0xffffffff : (2 ** (32 - length) - 1) >>> 0;
  const broadcast = new Uint8Array(4);
  new DataView(broadcast.buffer).setUint32(0, (value | hostBits) >>> 0);
  return broadcast;
}

export interface RouteRequest {
  family: Family;
  destination: { bytes: Uint8Array; length: number };
  gateway?: Uint8Array;
  source?: { bytes: Uint8Array; length: number; asPrefix: boolean };
  outputIndex: number;
  scope: number;
  flags: number;
  mtu: number;
}

/** RTM_NEWROUTE: main table, unicast, protocol boot, the given scope and rtm_flags, the
 * MTU as RTAX_MTU inside RTA_METRICS when it is not 0. */
export function newRouteRequest(route: RouteRequest): Uint8Array {
  const rtmsg = new Uint8Array(12);
  rtmsg[0] = addressFamily(route.family);
  rtmsg[1] = route.destination.length;
  rtmsg[2] = route.source?.asPrefix ? route.source.length : 0;
  rtmsg[4] = RT_TABLE_MAIN;
  rtmsg[5] = RTPROT_BOOT;
  rtmsg[6] = route.scope;
  rtmsg[7] = RTN_UNICAST;
  new DataView(rtmsg.buffer).setUint32(8, route.flags, true);
  const builder = new NetlinkBuilder(128)
    .beginMessage(RTM_NEWROUTE, CREATE_OR_REPLACE)
    .header(rtmsg)
    .attr(RTA_DST, route.destination.bytes)
    .attrU32(RTA_OIF, route.outputIndex);
  if (route.source) builder.attr(route.source.asPrefix ? RTA_SRC : RTA_PREFSRC, route.source.bytes);
  if (route.gateway) builder.attr(RTA_GATEWAY, route.gateway);
  if (route.mtu !== 0) builder.beginNest(RTA_METRICS).attrU32(RTAX_MTU, route.mtu).endNest();
  return builder.endMessage().finish();
}

export interface NeighbourRequest {
  family: Family;
  address: Uint8Array;
  lladdr?: Uint8Array;
  index: number;
  state: number;
  flags: number;
}

/** RTM_NEWNEIGH with ndm_type NDA_UNSPEC, create-or-replace. */
export function newNeighbourRequest(neighbour: NeighbourRequest): Uint8Array {
  const ndmsg = new Uint8Array(12);
  const view = new DataView(ndmsg.buffer);
  ndmsg[0] = addressFamily(neighbour.family);
  view.setInt32(4, neighbour.index, true);
  view.setUint16(8, neighbour.state, true);
  ndmsg[10] = neighbour.flags;
  const builder = new NetlinkBuilder(64).beginMessage(RTM_NEWNEIGH, CREATE_OR_REPLACE).header(ndmsg).attr(NDA_DST, neighbour.address);
  if (neighbour.lladdr) builder.attr(NDA_LLADDR, neighbour.lladdr);
  return builder.endMessage().finish();
}
