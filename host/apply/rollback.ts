// What a failed apply puts back. Undoing each write in reverse restores the links' names,
// MTUs and flags and removes what was added; what was deleted — by the apply, or by the
// kernel as a side effect (routes go when their link goes down, IPv6 addresses too) — is
// restored from a record of the namespace taken before the first write.

import { Buffer } from "node:buffer";
import { addressDumpRequest, neighbourDumpRequest } from "../netlink/dump.ts";
import { addressHeader, neighbourHeader } from "../netlink/headers.ts";
import { netlinkAttributes, type NetlinkMessage } from "../netlink/messages.ts";
import { recreateRequest } from "../netlink/recreate.ts";
import { NetlinkError, type NetlinkSocket } from "../netlink/socket.ts";
import { AF_INET, AF_INET6, NDMSG_SIZE, NUD_NOARP, NUD_PERMANENT, RTM_NEWADDR, RTM_NEWNEIGH, RTM_NEWROUTE } from "../netlink/constants.ts";
import { defaultCore } from "../convert.ts";
import { dumped } from "../netlink/sink.ts";
import { addressText, describeRoute, routeDumpRequest } from "./deletions.ts";

const NLM_F_REPLACE = 0x100;
const NLM_F_CREATE = 0x400;
const EEXIST = 17;
const RTPROT_KERNEL = 2;
const RTPROT_RA = 9;
const RT_TABLE_LOCAL = 255;
const NDA_DST = 1;
const NDA_LLADDR = 2;

interface Restorable {
  key: string;
  description: string;
  request: Uint8Array;
  /** Added without NLM_F_REPLACE, so an EEXIST answer means it is back already. */
  exclusive: boolean;
}

/** The addresses, routes and permanent neighbours of a namespace, as they were. */
export class NamespaceRecord {
  private constructor(private readonly items: Restorable[]) {}

  static take(socket: Pick<NetlinkSocket, "dump">): NamespaceRecord {
    return new NamespaceRecord(recordedItems(socket));
  }

  /**
   * Re-adds what is missing now, addresses first, then gateway-less routes, then the
   * rest, then neighbours. Returns what was restored and what could not be.
   */
  restore(socket: Pick<NetlinkSocket, "dump" | "request">): { restored: string[]; failed: string[] } {
    const present = new Set(recordedItems(socket).map((item) => item.key));
    const restored: string[] = [];
    const failed: string[] = [];
    for (const item of this.items) {
      if (present.has(item.key)) continue;
      try {
        socket.request(item.request);
        restored.push(item.description);
      } catch (error) {
        if (item.exclusive && error instanceof NetlinkError && error.errno === EEXIST) continue;
        failed.push(`${item.description}: ${(error as Error).message}`);
      }
    }
    return { restored, failed };
  }
}

function recordedItems(socket: Pick<NetlinkSocket, "dump">): Restorable[] {
  const routes = [AF_INET, AF_INET6].flatMap((family) => [...dumped(socket, routeDumpRequest(family), RTM_NEWROUTE)]).flatMap(routeItem);
  return [
    ...[...dumped(socket, addressDumpRequest(), RTM_NEWADDR)].map(addressItem),
    ...routes.filter((route) => !route.viaGateway),
    ...routes.filter((route) => route.viaGateway),
    ...[...dumped(socket, neighbourDumpRequest(), RTM_NEWNEIGH)].flatMap(neighbourItem),
  ];
}

function addressItem(message: NetlinkMessage): Restorable {
  const { family, index } = addressHeader(message.payload);
  const text = addressText(message.payload);
  return {
    key: `address ${family} ${index} ${text}`,
    description: `restore address ${text} on link ${index}`,
    request: recreateRequest(message, NLM_F_CREATE | NLM_F_REPLACE),
    exclusive: false,
  };
}

/** Routes the kernel makes itself (prefix, local, router advertisement) come back with their address or link, and are not recorded. */
function routeItem(message: NetlinkMessage): (Restorable & { viaGateway: boolean })[] {
  const payload = message.payload;
  const route = describeRoute(payload);
  if (route.protocol === RTPROT_KERNEL || route.protocol === RTPROT_RA || route.tableId === RT_TABLE_LOCAL) return [];
  // The request is also the route's identity: it leaves out what changes by itself (cache
  // statistics, expiry, and LINKDOWN, which comes and goes with the carrier).
  const request = recreateRequest(message, NLM_F_CREATE);
  return [{
    key: `route ${hex(request)}`,
    description: `restore route ${route.text}${route.outputIndex === undefined ? "" : ` on link ${route.outputIndex}`} table ${route.table}`,
    request,
    exclusive: true,
    viaGateway: route.gateway,
  }];
}

function neighbourItem(message: NetlinkMessage): Restorable[] {
  const payload = message.payload;
  const { index, state } = neighbourHeader(payload);
  if (!(state & (NUD_PERMANENT | NUD_NOARP))) return [];
  let destination: Uint8Array | undefined;
  let lladdr: Uint8Array | undefined;
  for (const attribute of netlinkAttributes(payload, NDMSG_SIZE)) {
    if (attribute.type === NDA_DST) destination = attribute.payload;
    if (attribute.type === NDA_LLADDR) lladdr = attribute.payload;
  }
  const text = `${destination ? defaultCore().ipText(destination) : "?"}${lladdr?.length === 6 ? ` lladdr ${defaultCore().macText(lladdr)}` : ""}`;
  return [{
    key: `neighbour ${index} ${text} ${state}`,
    description: `restore neighbour ${text} on link ${index}`,
    request: recreateRequest(message, NLM_F_CREATE | NLM_F_REPLACE),
    exclusive: false,
  }];
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
