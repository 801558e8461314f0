// RTM_NEWLINK: ifinfomsg + attributes, read the way vishvananda/netlink's LinkDeserialize
// fills what Kata uses: index, flags, name, MTU, MAC, Type() and the tuntap mode.
import {
  links, L_FLAGS, L_INDEX, L_MAC, L_MAC_LENGTH, L_MTU, L_NAME, L_NAME_LENGTH, L_OFFSET, L_TUN_MODE, L_TYPE, L_TYPE_LENGTH,
  nameChain, NONE, linkNameLength,
} from "../model";
import { lastError } from "../errors";
import { AttributeReader } from "./attributes";
import {
  IFLA_ADDRESS, IFLA_GRE_LOCAL, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU,
  IFLA_TUN_TYPE, IFLA_VTI_LOCAL,
} from "./constants";
import { hasHeader, messagePayload, messagePayloadLength, messageType } from "./messages";
import { isIPv4 } from "../text/ip";
import { bytesEqualAscii } from "../text/compare";

const IFINFOMSG_SIZE = 16;

// Type() strings that differ from IFLA_INFO_KIND (length NIL marks them in L_TYPE).
export const TYPE_DEVICE = 0; // no kind at all
export const TYPE_TUNTAP = 1; // kind "tun"
export const TYPE_GRETAP = 2; // gretap/ip6gretap: named by the local address family
export const TYPE_IP6GRETAP = 3;
export const TYPE_GRE = 4; // gre/ip6gre
export const TYPE_IP6GRE = 5;
export const TYPE_VTI = 6; // vti/vti6
export const TYPE_VTI6 = 7;

const outer = new AttributeReader();
const info = new AttributeReader();
const data = new AttributeReader();

export function decodeLink(message: usize, base: usize): void {
  if (!hasHeader(message, base, IFINFOMSG_SIZE, "RTM_NEWLINK")) return;
  const row = links.add();
  links.set(row, L_INDEX, load<i32>(messagePayload(message) + 4));
  links.set(row, L_FLAGS, load<i32>(messagePayload(message) + 8));
  links.set(row, L_NAME, 0);
  links.set(row, L_NAME_LENGTH, 0);
  links.set(row, L_MAC_LENGTH, NONE);
  links.set(row, L_TYPE, TYPE_DEVICE);
  links.set(row, L_TYPE_LENGTH, NONE);
  links.set(row, L_OFFSET, <i32>(message - base));
  const start = messagePayload(message) + IFINFOMSG_SIZE;
  outer.reset(start, messagePayload(message) + <usize>messagePayloadLength(message), base);
  while (outer.next()) {
    switch (outer.type) {
      case IFLA_IFNAME:
        // The library drops the last byte (the kernel's NUL) whatever it is.
        links.set(row, L_NAME, outer.offsetOfValue());
        links.set(row, L_NAME_LENGTH, max(0, outer.length - 1));
        break;
      case IFLA_MTU:
        links.set(row, L_MTU, <i32>outer.u32("IFLA_MTU"));
        break;
      case IFLA_ADDRESS:
        if (!allZero(outer.value, outer.length)) {
          links.set(row, L_MAC, outer.offsetOfValue());
          links.set(row, L_MAC_LENGTH, outer.length);
        }
        break;
      case IFLA_LINKINFO:
        decodeLinkInfo(row, base);
        break;
    }
  }
  // routes and neighbours name their device by ifindex: this link's name
  if (!lastError.failed) nameChain(links.get(row, L_INDEX), links.get(row, L_NAME), linkNameLength(row));
}

function decodeLinkInfo(row: i32, base: usize): void {
  info.reset(outer.value, outer.value + <usize>outer.length, base);
  let kind: usize = 0;
  let kindLength: i32 = NONE;
  while (info.next()) {
    if (info.type == IFLA_INFO_KIND) {
      kind = info.value;
      kindLength = max(0, info.length - 1);
      setKind(row, kind, kindLength, base);
    } else if (info.type == IFLA_INFO_DATA && kindLength != NONE) {
      decodeInfoData(row, kind, kindLength, base);
    }
  }
}

function setKind(row: i32, kind: usize, length: i32, base: usize): void {
  links.set(row, L_TYPE_LENGTH, NONE);
  // Named by the local address family, which only IFLA_INFO_DATA tells: IPv6 until then.
  const named = localNamedType(kind, length);
  if (named != NONE) links.set(row, L_TYPE, named + 1);
  else if (bytesEqualAscii(kind, length, "tun")) links.set(row, L_TYPE, TYPE_TUNTAP);
  else {
    links.set(row, L_TYPE, <i32>(kind - base));
    links.set(row, L_TYPE_LENGTH, length);
  }
}

function decodeInfoData(row: i32, kind: usize, kindLength: i32, base: usize): void {
  data.reset(info.value, info.value + <usize>info.length, base);
  const tun = bytesEqualAscii(kind, kindLength, "tun");
  const named = localNamedType(kind, kindLength);
  const localAttribute: u16 = named == TYPE_VTI ? IFLA_VTI_LOCAL : IFLA_GRE_LOCAL;
  while (data.next()) {
    if (tun && data.type == IFLA_TUN_TYPE) {
      links.set(row, L_TUN_MODE, data.u8("IFLA_TUN_TYPE"));
    } else if (named != NONE && data.type == localAttribute) {
      links.set(row, L_TYPE, isIPv4(data.value, data.length) ? named : named + 1);
    }
  }
}

/** TYPE_GRETAP, TYPE_GRE or TYPE_VTI for kinds Go names by local address family, else NONE. */
function localNamedType(kind: usize, length: i32): i32 {
  if (bytesEqualAscii(kind, length, "gretap") || bytesEqualAscii(kind, length, "ip6gretap")) return TYPE_GRETAP;
  if (bytesEqualAscii(kind, length, "gre") || bytesEqualAscii(kind, length, "ip6gre")) return TYPE_GRE;
  if (bytesEqualAscii(kind, length, "vti") || bytesEqualAscii(kind, length, "vti6")) return TYPE_VTI;
  return NONE;
}

function allZero(ptr: usize, length: i32): bool {
  for (let i = 0; i < length; i++) if (load<u8>(ptr + <usize>i) != 0) return false;
  return true;
}
