// The addresses of a pod link, the routes through it and its permanent neighbours, saved
// as the requests that recreate them. The macvtap model removes the veth's addresses (the
// guest owns them now); removing a link's last IPv4 address makes the kernel drop every
// route through the link, so detach puts back the addresses first, then the routes.
// Changing the link's MAC flushes its neighbours, permanent ones included, so those are
// saved before the MAC changes and put back after it is restored.

import { decodeHex, encodeHex } from "../capture.ts";
import { NetlinkBuilder } from "../netlink/builder.ts";
import { addressDumpRequest, neighbourDumpRequest, routeDumpRequest } from "../netlink/dump.ts";
import { netlinkAttributes } from "../netlink/messages.ts";
import { dumped } from "../netlink/sink.ts";
import type { NetlinkSocket } from "../netlink/socket.ts";
import { IFADDRMSG_SIZE, NDMSG_SIZE, RTMSG_SIZE, RTM_NEWADDR, RTM_NEWNEIGH, RTM_NEWROUTE } from "../netlink/constants.ts";

const RTM_DELADDR = 21;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;

/** What a re-added address keeps: address, local, label, broadcast, flags, route priority. */
const ADDRESS_ATTRIBUTES = new Set([1, 2, 3, 4, 8, 9]);
/** What a re-added route keeps: dst, src, oif, gateway, priority, prefsrc, metrics, flow,
 * table, via, pref. Cache info and expiry are the kernel's own. */
const ROUTE_ATTRIBUTES = new Set([1, 2, 4, 5, 6, 7, 8, 11, 15, 18, 20]);
/** What a re-added neighbour keeps: its address and hardware address. */
const NEIGHBOUR_ATTRIBUTES = new Set([1, 2]);
const NUD_PERMANENT = 0x80;
const RTA_OIF = 4;
const RT_TABLE_LOCAL = 255;
/** rtm_flags a request may carry: the kernel sets (and refuses) dead and linkdown itself. */
const RTNH_F_ONLINK = 0x4;

/** Requests (hex) that recreate a link's addresses (in dump order) and routes. */
export interface SavedAddresses {
  addresses: string[];
  routes: string[];
}

export function saveAddresses(socket: NetlinkSocket, index: number): SavedAddresses {
  const addresses = [...dumped(socket, addressDumpRequest(), RTM_NEWADDR)]
    .filter(({ payload }) => view(payload).getUint32(4, true) === index)
    .map(({ payload }) => encodeHex(recreateAddress(payload)));
  const routes = [...dumped(socket, routeDumpRequest(), RTM_NEWROUTE)]
    .filter(({ payload }) => routeLeavesThrough(payload, index))
    .map(({ payload }) => encodeHex(recreateRoute(payload)));
  return { addresses, routes };
}

/** Requests (hex) that recreate the link's permanent neighbours. */
export function savePermanentNeighbours(socket: NetlinkSocket, index: number): string[] {
  return [...dumped(socket, neighbourDumpRequest(), RTM_NEWNEIGH)]
    .filter(({ payload }) => isPermanentOn(payload, index))
    .map(({ payload }) => encodeHex(rebuild(RTM_NEWNEIGH, payload.slice(0, NDMSG_SIZE), payload, NDMSG_SIZE, NEIGHBOUR_ATTRIBUTES)));
}

/** Deletes the saved addresses, secondaries before the primaries they hang on. */
export function removeAddresses(socket: NetlinkSocket, saved: SavedAddresses, isGone: (error: unknown) => boolean): void {
  for (const request of [...saved.addresses].reverse()) {
    const message = decodeHex(request, "saved address");
    const header = new DataView(message.buffer);
    header.setUint16(4, RTM_DELADDR, true);
    header.setUint16(6, 0, true);
    sendUnlessGone(socket, message, isGone);
  }
}

/** Sends saved requests (addresses before routes); what already exists is left as it is. */
export function recreate(socket: NetlinkSocket, requests: readonly string[], exists: (error: unknown) => boolean): void {
  for (const request of requests) {
    try {
      socket.request(decodeHex(request, "saved address, route or neighbour"));
    } catch (error) {
      if (!exists(error)) throw error;
    }
  }
}

function sendUnlessGone(socket: NetlinkSocket, message: Uint8Array, isGone: (error: unknown) => boolean): void {
  try {
    socket.request(message);
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function routeLeavesThrough(payload: Uint8Array, index: number): boolean {
  if (payload[4] === RT_TABLE_LOCAL) return false; // the kernel's own, back with the addresses
  for (const attribute of netlinkAttributes(payload, RTMSG_SIZE)) {
    if (attribute.type === RTA_OIF) return view(attribute.payload).getUint32(0, true) === index;
  }
  return false;
}

function isPermanentOn(payload: Uint8Array, index: number): boolean {
  const ndmsg = view(payload);
  return ndmsg.getInt32(4, true) === index && (ndmsg.getUint16(8, true) & NUD_PERMANENT) !== 0;
}

function recreateAddress(payload: Uint8Array): Uint8Array {
  return rebuild(RTM_NEWADDR, payload.slice(0, IFADDRMSG_SIZE), payload, IFADDRMSG_SIZE, ADDRESS_ATTRIBUTES);
}

function recreateRoute(payload: Uint8Array): Uint8Array {
  const rtmsg = payload.slice(0, RTMSG_SIZE);
  const flags = new DataView(rtmsg.buffer);
  flags.setUint32(8, flags.getUint32(8, true) & RTNH_F_ONLINK, true);
  return rebuild(RTM_NEWROUTE, rtmsg, payload, RTMSG_SIZE, ROUTE_ATTRIBUTES);
}

function rebuild(type: number, header: Uint8Array, payload: Uint8Array, headerSize: number, keep: Set<number>): Uint8Array {
  const builder = new NetlinkBuilder(256).beginMessage(type, NLM_F_CREATE | NLM_F_EXCL).header(header);
  for (const attribute of netlinkAttributes(payload, headerSize)) {
    if (keep.has(attribute.type)) builder.attr(attribute.type, attribute.payload);
  }
  return builder.endMessage().finish();
}
