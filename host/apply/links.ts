// The namespace's links as the agent looks them up: by MAC (IFLA_ADDRESS) for interface
// updates, by name for routes and neighbours. One RTM_GETLINK dump per lookup round, so a
// rename done a moment ago is seen.

import { linkDumpRequest } from "../netlink/dump.ts";
import { linkHeader } from "../netlink/headers.ts";
import { attributeString, attributeU32, netlinkAttributes } from "../netlink/messages.ts";
import { dumped } from "../netlink/sink.ts";
import type { NetlinkSocket } from "../netlink/socket.ts";
import { RTM_NEWLINK, IFINFOMSG_SIZE, IFF_NOARP, IFF_UP, IFLA_IFNAME } from "../netlink/constants.ts";

const IFLA_ADDRESS = 1;
const IFLA_MTU = 4;
const IFLA_TXQLEN = 13;
const IFLA_MIN_MTU = 50;
const IFLA_MAX_MTU = 51;
const IFF_LOOPBACK = 0x8;

export interface Link {
  index: number;
  name: string;
  mac: Uint8Array;
  up: boolean;
  arp: boolean;
  loopback: boolean;
  mtu: number;
  txqlen: number;
  /** The MTU range the device accepts; absent on kernels older than 4.19. */
  minMtu?: number;
  maxMtu?: number;
}

export function listLinks(socket: Pick<NetlinkSocket, "dump">): Link[] {
  const links: Link[] = [];
  for (const message of dumped(socket, linkDumpRequest(), RTM_NEWLINK)) {
    const { index, flags } = linkHeader(message.payload);
    const link: Link = {
      index,
      name: "",
      mac: new Uint8Array(0),
      up: (flags & IFF_UP) !== 0,
      arp: (flags & IFF_NOARP) === 0,
      loopback: (flags & IFF_LOOPBACK) !== 0,
      mtu: 0,
      txqlen: 0,
    };
    for (const attribute of netlinkAttributes(message.payload, IFINFOMSG_SIZE)) {
      if (attribute.type === IFLA_ADDRESS) link.mac = attribute.payload.slice();
      if (attribute.type === IFLA_IFNAME) link.name = attributeString(attribute.payload);
      if (attribute.type === IFLA_MTU) link.mtu = u32(attribute.payload);
      if (attribute.type === IFLA_TXQLEN) link.txqlen = u32(attribute.payload);
      if (attribute.type === IFLA_MIN_MTU) link.minMtu = u32(attribute.payload);
      if (attribute.type === IFLA_MAX_MTU) link.maxMtu = u32(attribute.payload);
    }
    links.push(link);
  }
  return links;
}

/** The first link whose hardware address is `mac`, in dump order (the agent takes the first match). */
export function linkByMac(links: readonly Link[], mac: Uint8Array): Link | undefined {
  return links.find((link) => link.mac.length === mac.length && link.mac.every((byte, i) => byte === mac[i]));
}

export function linkByName(links: readonly Link[], name: string): Link | undefined {
  return links.find((link) => link.name === name);
}

const u32 = (bytes: Uint8Array): number => attributeU32(bytes) ?? 0;
