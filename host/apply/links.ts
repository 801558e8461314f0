// The namespace's links as the agent looks them up: by MAC (IFLA_ADDRESS) for interface
// updates, by name for routes and neighbours. One RTM_GETLINK dump per lookup round, so a
// rename done a moment ago is seen.

import { linkDumpRequest } from "../netlink/dump.ts";
import { netlinkAttributes, netlinkMessages } from "../netlink/messages.ts";
import { GrowableSink } from "../netlink/sink.ts";
import type { NetlinkSocket } from "../netlink/socket.ts";
import { RTM_NEWLINK, IFINFOMSG_SIZE, IFF_UP, IFLA_IFNAME } from "../netlink/constants.ts";

const IFLA_ADDRESS = 1;
const IFLA_MTU = 4;
const IFLA_TXQLEN = 13;

export interface Link {
  index: number;
  name: string;
  mac: Uint8Array;
  up: boolean;
  mtu: number;
  txqlen: number;
}

export function listLinks(socket: Pick<NetlinkSocket, "dump">): Link[] {
  const sink = new GrowableSink(16 * 1024);
  socket.dump(linkDumpRequest(), sink);
  const links: Link[] = [];
  for (const message of netlinkMessages(sink.bytes())) {
    if (message.type !== RTM_NEWLINK) continue;
    const header = new DataView(message.payload.buffer, message.payload.byteOffset, IFINFOMSG_SIZE);
    const link: Link = { index: header.getInt32(4, true), name: "", mac: new Uint8Array(0), up: (header.getUint32(8, true) & IFF_UP) !== 0, mtu: 0, txqlen: 0 };
    for (const attribute of netlinkAttributes(message.payload, IFINFOMSG_SIZE)) {
      if (attribute.type === IFLA_ADDRESS) link.mac = attribute.payload.slice();
      if (attribute.type === IFLA_IFNAME) link.name = cString(attribute.payload);
      if (attribute.type === IFLA_MTU) link.mtu = u32(attribute.payload);
      if (attribute.type === IFLA_TXQLEN) link.txqlen = u32(attribute.payload);
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

const u32 = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}
