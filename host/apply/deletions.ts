// What Kata's agent deletes before it writes: every address of a link it updates
// (update_interface, after taking the link down) and the old routes (update_routes).
// Each deletion sends back the message the kernel dumped, as RTM_DEL*, as the agent's
// rtnetlink does (and `ip address/route flush`), so the kernel matches exactly that object.

import { addressDumpRequest } from "../netlink/dump.ts";
import { NetlinkBuilder } from "../netlink/builder.ts";
import { addressHeader, routeHeader } from "../netlink/headers.ts";
import { attributeU32, netlinkAttributes, type NetlinkMessage } from "../netlink/messages.ts";
import { dumped } from "../netlink/sink.ts";
import { NLM_F_DUMP, NLM_F_REQUEST, type NetlinkSocket } from "../netlink/socket.ts";
import { AF_INET, AF_INET6, IFA_ADDRESS, IFADDRMSG_SIZE, RTM_NEWADDR, RTM_NEWROUTE, RTMSG_SIZE, RT_TABLE_MAIN } from "../netlink/constants.ts";
import type { Link } from "./links.ts";
import { defaultCore } from "../convert.ts";

const RTM_DELADDR = 21;
const RTM_DELROUTE = 25;
const RTM_GETROUTE = 26;
const IFA_LOCAL = 2;
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_TABLE = 15;
const RTPROT_KERNEL = 2;
const RT_TABLE_LOCAL = 255;

export interface Deletion {
  /** What is deleted, in `ip`'s words. */
  description: string;
  request: Uint8Array;
}

/** The agent's list_addresses(LinkIndex) + delete_addresses: every address on the link, any family. */
export function linkAddressDeletions(socket: Pick<NetlinkSocket, "dump">, link: Link): Deletion[] {
  const deletions: Deletion[] = [];
  for (const message of dumped(socket, addressDumpRequest(), RTM_NEWADDR)) {
    if (addressHeader(message.payload).index !== link.index) continue;
    deletions.push({ description: `delete address ${addressText(message.payload)} from ${link.name}`, request: asRequest(message, RTM_DELADDR) });
  }
  return deletions;
}

/** The local address (or the address, for a peer-less one) and prefix length, as `ip` shows it. */
export function addressText(payload: Uint8Array): string {
  let address: Uint8Array | undefined;
  let local: Uint8Array | undefined;
  for (const attribute of netlinkAttributes(payload, IFADDRMSG_SIZE)) {
    if (attribute.type === IFA_ADDRESS) address = attribute.payload;
    if (attribute.type === IFA_LOCAL) local = attribute.payload;
  }
  const shown = local ?? address;
  return `${shown ? defaultCore().ipText(shown) : "?"}/${addressHeader(payload).prefixLength}`;
}

/**
 * The agent's query_routes + delete_routes: IPv4 then IPv6 routes of every table (the
 * dump ignores the request's table), each deleted unless its protocol is kernel (the
 * kernel's own prefix, local and link-local routes), it has no output link (multipath,
 * blackhole), or its output link's name contains "lo" or "::1" — a substring match on
 * the name as the agent makes it, so a link named e.g. "slot0" keeps its routes too.
 * `links` must be the links as they are after the interface updates. With `scope` (link
 * indexes), only main-table routes through those links are deleted: a follower then leaves
 * alone whatever the stream does not describe.
 */
export function oldRouteDeletions(socket: Pick<NetlinkSocket, "dump">, links: readonly Link[], scope?: ReadonlySet<number>): Deletion[] {
  const names = new Map(links.map((link) => [link.index, link.name]));
  const deletions: Deletion[] = [];
  for (const family of [AF_INET, AF_INET6]) {
    for (const message of dumped(socket, routeDumpRequest(family), RTM_NEWROUTE)) {
      const route = describeRoute(message.payload);
      if (route.protocol === RTPROT_KERNEL || route.outputIndex === undefined) continue;
      const device = names.get(route.outputIndex);
      if (device === undefined) throw new Error(`route ${route.text}: no link with index ${route.outputIndex}`);
      if (device.includes("lo") || device.includes("::1")) continue;
      if (scope && (route.tableId !== RT_TABLE_MAIN || !scope.has(route.outputIndex))) continue;
      deletions.push({ description: `delete old route ${route.text} dev ${device} table ${route.table}`, request: asRequest(message, RTM_DELROUTE) });
    }
  }
  return deletions;
}

/** rtnetlink's route().get(IpVersion): rtmsg with only the family set, dumped. */
export function routeDumpRequest(family: number): Uint8Array {
  const rtmsg = new Uint8Array(RTMSG_SIZE);
  rtmsg[0] = family;
  return new NetlinkBuilder(32).beginMessage(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP).header(rtmsg).endMessage().finish();
}

export function describeRoute(payload: Uint8Array) {
  const header = routeHeader(payload);
  let destination: Uint8Array | undefined;
  let gateway: Uint8Array | undefined;
  let outputIndex: number | undefined;
  let table = header.table;
  for (const attribute of netlinkAttributes(payload, RTMSG_SIZE)) {
    if (attribute.type === RTA_DST) destination = attribute.payload;
    if (attribute.type === RTA_GATEWAY) gateway = attribute.payload;
    if (attribute.type === RTA_OIF) outputIndex = attributeU32(attribute.payload);
    // The header's table byte cannot hold ids above 255; RTA_TABLE has the full id.
    if (attribute.type === RTA_TABLE) table = attributeU32(attribute.payload) ?? table;
  }
  const tableName = table === RT_TABLE_MAIN ? "main" : table === RT_TABLE_LOCAL ? "local" : String(table);
  const text = `${destination ? `${defaultCore().ipText(destination)}/${header.destinationLength}` : "default"}${gateway ? ` via ${defaultCore().ipText(gateway)}` : ""}`;
  return { protocol: header.protocol, outputIndex, table: tableName, tableId: table, text, gateway: gateway !== undefined };
}

/** The dumped object's own header and attributes under a new message type. */
function asRequest(message: NetlinkMessage, type: number): Uint8Array {
  return new NetlinkBuilder(message.bytes.length).beginMessage(type, 0).header(message.payload).endMessage().finish();
}
