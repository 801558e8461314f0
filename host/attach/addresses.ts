// The addresses of a pod link, the routes through it and its permanent neighbours, saved
// as the requests that recreate them. The macvtap model removes the veth's addresses (the
// guest owns them now); removing a link's last IPv4 address makes the kernel drop every
// route through the link, so detach puts back the addresses first, then the routes.
// Changing the link's MAC flushes its neighbours, permanent ones included, so those are
// saved before the MAC changes and put back after it is restored.

import { decodeHex, encodeHex } from "../capture.ts";
import { addressDumpRequest, neighbourDumpRequest, routeDumpRequest } from "../netlink/dump.ts";
import { addressHeader, neighbourHeader, routeHeader } from "../netlink/headers.ts";
import { attributeU32, netlinkAttributes, type NetlinkMessage } from "../netlink/messages.ts";
import { deletionOf, recreateRequest } from "../netlink/recreate.ts";
import { dumped } from "../netlink/sink.ts";
import type { NetlinkSocket } from "../netlink/socket.ts";
import { NUD_PERMANENT, RTMSG_SIZE, RTM_NEWADDR, RTM_NEWNEIGH, RTM_NEWROUTE } from "../netlink/constants.ts";

const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
/** Saved requests create what is missing; EEXIST on recreation means it is back already. */
const CREATE_EXCLUSIVE = NLM_F_CREATE | NLM_F_EXCL;
const RTA_OIF = 4;
const RT_TABLE_LOCAL = 255;

/** Requests (hex) that recreate a link's addresses (in dump order) and routes. */
export interface SavedAddresses {
  addresses: string[];
  routes: string[];
}

export function saveAddresses(socket: NetlinkSocket, index: number): SavedAddresses {
  const addresses = [...dumped(socket, addressDumpRequest(), RTM_NEWADDR)]
    .filter(({ payload }) => addressHeader(payload).index === index)
    .map(savedRequest);
  const routes = [...dumped(socket, routeDumpRequest(), RTM_NEWROUTE)]
    .filter(({ payload }) => routeLeavesThrough(payload, index))
    .map(savedRequest);
  return { addresses, routes };
}

/** Requests (hex) that recreate the link's permanent neighbours. */
export function savePermanentNeighbours(socket: NetlinkSocket, index: number): string[] {
  return [...dumped(socket, neighbourDumpRequest(), RTM_NEWNEIGH)]
    .filter(({ payload }) => isPermanentOn(payload, index))
    .map(savedRequest);
}

/** Deletes the saved addresses, secondaries before the primaries they hang on. */
export function removeAddresses(socket: NetlinkSocket, saved: SavedAddresses, isGone: (error: unknown) => boolean): void {
  for (const request of [...saved.addresses].reverse()) {
    sendUnlessGone(socket, deletionOf(decodeHex(request, "saved address")), isGone);
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

const savedRequest = (message: NetlinkMessage): string => encodeHex(recreateRequest(message, CREATE_EXCLUSIVE));

function routeLeavesThrough(payload: Uint8Array, index: number): boolean {
  if (routeHeader(payload).table === RT_TABLE_LOCAL) return false; // the kernel's own, back with the addresses
  for (const attribute of netlinkAttributes(payload, RTMSG_SIZE)) {
    if (attribute.type === RTA_OIF) return attributeU32(attribute.payload) === index;
  }
  return false;
}

function isPermanentOn(payload: Uint8Array, index: number): boolean {
  const neighbour = neighbourHeader(payload);
  return neighbour.index === index && (neighbour.state & NUD_PERMANENT) !== 0;
}
