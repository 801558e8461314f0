// The fixed family headers at the start of rtnetlink payloads, read by name, one reader
// per object (<linux/rtnetlink.h>, <linux/if_addr.h>, <linux/neighbour.h>). A payload too
// short for its header is a FramingError at byte 0 of the payload.
import { FramingError } from "./messages.ts";
import { IFADDRMSG_SIZE, IFINFOMSG_SIZE, NDMSG_SIZE, RTMSG_SIZE } from "./constants.ts";

/** struct ifinfomsg (RTM_*LINK). */
export interface LinkHeader {
  family: number;
  /** ARPHRD_* device type. */
  deviceType: number;
  index: number;
  /** IFF_UP, IFF_LOWER_UP, ... */
  flags: number;
  change: number;
}

/** struct ifaddrmsg (RTM_*ADDR). */
export interface AddressHeader {
  family: number;
  prefixLength: number;
  /** The low eight IFA_F_* bits; IFA_FLAGS holds all 32 when present. */
  flags: number;
  scope: number;
  index: number;
}

/** struct rtmsg (RTM_*ROUTE). */
export interface RouteHeader {
  family: number;
  destinationLength: number;
  sourceLength: number;
  tos: number;
  /** Ids above 255 are in RTA_TABLE. */
  table: number;
  protocol: number;
  scope: number;
  type: number;
  /** RTNH_F_* and RTM_F_* bits. */
  flags: number;
}

/** struct ndmsg (RTM_*NEIGH). */
export interface NeighbourHeader {
  family: number;
  index: number;
  /** NUD_* bits. */
  state: number;
  /** NTF_* bits. */
  flags: number;
  type: number;
}

export function linkHeader(payload: Uint8Array): LinkHeader {
  const view = headerView(payload, IFINFOMSG_SIZE, "ifinfomsg");
  return {
    family: payload[0],
    deviceType: view.getUint16(2, true),
    index: view.getInt32(4, true),
    flags: view.getUint32(8, true),
    change: view.getUint32(12, true),
  };
}

export function addressHeader(payload: Uint8Array): AddressHeader {
  const view = headerView(payload, IFADDRMSG_SIZE, "ifaddrmsg");
  return { family: payload[0], prefixLength: payload[1], flags: payload[2], scope: payload[3], index: view.getUint32(4, true) };
}

export function routeHeader(payload: Uint8Array): RouteHeader {
  const view = headerView(payload, RTMSG_SIZE, "rtmsg");
  return {
    family: payload[0],
    destinationLength: payload[1],
    sourceLength: payload[2],
    tos: payload[3],
    table: payload[4],
    protocol: payload[5],
    scope: payload[6],
    type: payload[7],
    flags: view.getUint32(8, true),
  };
}

export function neighbourHeader(payload: Uint8Array): NeighbourHeader {
  const view = headerView(payload, NDMSG_SIZE, "ndmsg");
  return { family: payload[0], index: view.getInt32(4, true), state: view.getUint16(8, true), flags: payload[10], type: payload[11] };
}

function headerView(payload: Uint8Array, size: number, name: string): DataView {
  if (payload.length < size) throw new FramingError(0, `payload of ${payload.length} bytes is too short for its ${name} (${size})`);
  return new DataView(payload.buffer, payload.byteOffset, size);
}
