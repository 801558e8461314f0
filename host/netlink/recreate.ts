// A request that recreates a dumped address, route or neighbour: the dumped header and the
// attributes that describe the object, as RTM_NEW*. Attach saves a pod link's objects this
// way before the macvtap swap, and apply's rollback records the namespace's to re-add what
// went missing; each caller picks which objects and which create flags. The attribute
// filter is here, once: what the kernel keeps about an object for itself (cache info and
// statistics, remaining lifetime and expiry, next-hop state) is left out, since a request
// either may not carry it or would turn a running count into a fixed setting.

import { NetlinkBuilder } from "./builder.ts";
import { IFADDRMSG_SIZE, NDMSG_SIZE, RTMSG_SIZE, RTM_NEWADDR, RTM_NEWNEIGH, RTM_NEWROUTE } from "./constants.ts";
import { AttributeWalker, FramingError, messageType, type NetlinkMessage } from "./messages.ts";

interface Recreation {
  headerSize: number;
  /** Attribute types the request keeps. */
  attributes: ReadonlySet<number>;
  /** Clears what the header holds that a request may not set. */
  requestHeader?(header: Uint8Array): void;
}

/** IFA_ADDRESS, LOCAL, LABEL, BROADCAST, FLAGS, RT_PRIORITY, PROTO; not CACHEINFO (the
 * lifetimes left, so a recreated address is permanent). */
const ADDRESS_ATTRIBUTES = new Set([1, 2, 3, 4, 8, 9, 11]);
/** RTA_DST, SRC, OIF, GATEWAY, PRIORITY, PREFSRC, METRICS, MULTIPATH, FLOW, TABLE,
 * VIA, PREF, ENCAP_TYPE, ENCAP, NH_ID; not CACHEINFO or EXPIRES. */
const ROUTE_ATTRIBUTES = new Set([1, 2, 4, 5, 6, 7, 8, 9, 11, 15, 18, 20, 21, 22, 30]);
/** NDA_DST, LLADDR, VLAN, PORT, VNI, IFINDEX, MASTER, SRC_VNI, PROTOCOL, NH_ID, FLAGS_EXT;
 * not CACHEINFO or PROBES. */
const NEIGHBOUR_ATTRIBUTES = new Set([1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 15]);

/** The one rtm_flags bit a route request sets; the kernel sets (and refuses) dead and
 * linkdown itself, and the offload and trap bits belong to drivers. */
const RTNH_F_ONLINK = 0x4;
const RTM_FLAGS_OFFSET = 8;

const RECREATIONS: Record<number, Recreation> = {
  [RTM_NEWADDR]: { headerSize: IFADDRMSG_SIZE, attributes: ADDRESS_ATTRIBUTES },
  [RTM_NEWROUTE]: {
    headerSize: RTMSG_SIZE,
    attributes: ROUTE_ATTRIBUTES,
    requestHeader(rtmsg) {
      const view = new DataView(rtmsg.buffer, rtmsg.byteOffset, RTMSG_SIZE);
      view.setUint32(RTM_FLAGS_OFFSET, view.getUint32(RTM_FLAGS_OFFSET, true) & RTNH_F_ONLINK, true);
    },
  },
  [RTM_NEWNEIGH]: { headerSize: NDMSG_SIZE, attributes: NEIGHBOUR_ATTRIBUTES },
};

/** The RTM_NEW* request (with `flags`, e.g. NLM_F_CREATE | NLM_F_EXCL) that recreates a
 * dumped RTM_NEWADDR, RTM_NEWROUTE or RTM_NEWNEIGH. */
export function recreateRequest(message: NetlinkMessage, flags: number): Uint8Array {
  const recreation = RECREATIONS[message.type];
  if (!recreation) throw new Error(`netlink message type ${message.type} is not an address, route or neighbour to recreate`);
  if (message.payload.length < recreation.headerSize) {
    throw new FramingError(0, `payload of ${message.payload.length} bytes is too short for message type ${message.type}'s header (${recreation.headerSize})`);
  }
  const header = message.payload.slice(0, recreation.headerSize);
  recreation.requestHeader?.(header);
  const builder = new NetlinkBuilder(message.bytes.length + 16).beginMessage(message.type, flags).header(header);
  const attributes = new AttributeWalker(message.payload, recreation.headerSize);
  while (attributes.next()) {
    if (recreation.attributes.has(attributes.type)) builder.attr(attributes.type, attributes.payload());
  }
  if (attributes.error) throw attributes.error;
  return builder.endMessage().finish();
}

/** The RTM_DEL* twin of an RTM_NEWADDR/NEWROUTE/NEWNEIGH request: the same object,
 * removed (what undoes a write that created it). */
export function deletionOf(request: Uint8Array): Uint8Array {
  const copy = request.slice();
  const view = new DataView(copy.buffer);
  view.setUint16(4, messageType(request) + 1, true);
  view.setUint16(6, 0, true);
  return copy;
}
