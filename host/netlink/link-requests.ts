// Link writes the attach engine makes besides RTM_SETLINK's flags and MTU (host/apply):
// creating a macvtap on a pod link, setting a hardware address, deleting a link.

import { NetlinkBuilder } from "./builder.ts";
import { IFINFOMSG_SIZE, IFLA_IFNAME, RTM_NEWLINK } from "./constants.ts";

const RTM_DELLINK = 17;
const RTM_SETLINK = 19;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;

const IFLA_ADDRESS = 1;
const IFLA_MTU = 4;
const IFLA_LINK = 5;
const IFLA_TXQLEN = 13;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_MACVLAN_MODE = 1;
const MACVLAN_MODE_BRIDGE = 4;

function ifinfomsg(index: number): Uint8Array {
  const header = new Uint8Array(IFINFOMSG_SIZE);
  new DataView(header.buffer).setInt32(4, index, true);
  return header;
}

export interface MacvtapSpec {
  name: string;
  parentIndex: number;
  /** The ifindex to create it with (0: the kernel picks). */
  index: number;
  txqlen: number;
  mtu: number;
}

/** A bridge-mode macvtap on `parentIndex`, failing with EEXIST if the name or index is taken. */
export function newMacvtapRequest(spec: MacvtapSpec): Uint8Array {
  return new NetlinkBuilder(128)
    .beginMessage(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)
    .header(ifinfomsg(spec.index))
    .attrCString(IFLA_IFNAME, spec.name)
    .attrU32(IFLA_LINK, spec.parentIndex)
    .attrU32(IFLA_TXQLEN, spec.txqlen)
    .attrU32(IFLA_MTU, spec.mtu)
    .beginNest(IFLA_LINKINFO, false)
    .attrText(IFLA_INFO_KIND, "macvtap")
    .beginNest(IFLA_INFO_DATA, false)
    .attrU32(IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE)
    .endNest()
    .endNest()
    .endMessage()
    .finish();
}

export function setLinkAddressRequest(index: number, mac: Uint8Array): Uint8Array {
  return new NetlinkBuilder(64).beginMessage(RTM_SETLINK, 0).header(ifinfomsg(index)).attr(IFLA_ADDRESS, mac).endMessage().finish();
}

export function deleteLinkRequest(index: number): Uint8Array {
  return new NetlinkBuilder(32).beginMessage(RTM_DELLINK, 0).header(ifinfomsg(index)).endMessage().finish();
}
