// Traffic-control requests for Kata's tcfilter model: an ingress qdisc on a link and a u32
// filter that matches every frame and redirects it (mirred egress redirect) to another
// link, plus their deletion. Encoded as the Go netlink library encodes Kata's
// addQdiscIngress / addRedirectTCFilter (attribute nests without NLA_F_NESTED).

import { NetlinkBuilder } from "./builder.ts";

const RTM_NEWQDISC = 36;
const RTM_DELQDISC = 37;
const RTM_NEWTFILTER = 44;
const RTM_DELTFILTER = 45;

const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const CREATE_EXCLUSIVE = NLM_F_CREATE | NLM_F_EXCL;

const TCMSG_SIZE = 20;
const TCA_KIND = 1;
const TCA_OPTIONS = 2;
const TCA_U32_SEL = 5;
const TCA_U32_ACT = 7;
const TCA_ACT_KIND = 1;
const TCA_ACT_OPTIONS = 2;
const TCA_MIRRED_PARMS = 2;
const FIRST_ACTION = 1;

/** The ingress qdisc's handle (ffff:) and its parent TC_H_INGRESS (ffff:fff1). Deleting it
 * with parent 0 fails with ENOENT, which is how Kata's Rust runtime leaks its taps. */
export const INGRESS_HANDLE = 0xffff0000;
export const INGRESS_PARENT = 0xfffffff1;
const ETH_P_ALL = 0x0003;
/** The priority the kernel gives the first filter added without one; set explicitly so
 * the filter can be deleted by it. */
export const REDIRECT_FILTER_PRIORITY = 0xc000;

const TC_U32_TERMINAL = 1;
const TC_U32_SEL_SIZE = 16;
const TC_U32_KEY_SIZE = 16;
const TC_ACT_STOLEN = 4;
const TCA_EGRESS_REDIR = 1;
const TC_MIRRED_SIZE = 28;

function tcmsg(index: number, handle: number, parent: number, info: number): Uint8Array {
  const header = new Uint8Array(TCMSG_SIZE);
  const view = new DataView(header.buffer);
  view.setInt32(4, index, true);
  view.setUint32(8, handle, true);
  view.setUint32(12, parent, true);
  view.setUint32(16, info, true);
  return header;
}

/** tcm_info of a filter: priority in the high half, the protocol in network order below. */
const filterInfo = (): number => ((REDIRECT_FILTER_PRIORITY << 16) | ((ETH_P_ALL & 0xff) << 8) | (ETH_P_ALL >> 8)) >>> 0;

/** `tc qdisc add dev LINK ingress`, failing with EEXIST when one is there. */
export function addIngressQdiscRequest(index: number): Uint8Array {
  return new NetlinkBuilder(64)
    .beginMessage(RTM_NEWQDISC, CREATE_EXCLUSIVE)
    .header(tcmsg(index, INGRESS_HANDLE, INGRESS_PARENT, 0))
    .attrCString(TCA_KIND, "ingress")
    .beginNest(TCA_OPTIONS, false)
    .endNest()
    .endMessage()
    .finish();
}

/** `tc qdisc del dev LINK handle ffff: parent ffff:fff1`. */
export function deleteIngressQdiscRequest(index: number): Uint8Array {
  return new NetlinkBuilder(32).beginMessage(RTM_DELQDISC, 0).header(tcmsg(index, INGRESS_HANDLE, INGRESS_PARENT, 0)).endMessage().finish();
}

/**
 * `tc filter add dev SOURCE parent ffff: protocol all u32 match u8 0 0 action mirred
 * egress redirect dev TARGET`: one all-zero key under a terminal selector matches every
 * frame; the action steals it and transmits it on the target link.
 */
export function addRedirectFilterRequest(sourceIndex: number, targetIndex: number): Uint8Array {
  const selector = new Uint8Array(TC_U32_SEL_SIZE + TC_U32_KEY_SIZE);
  selector[0] = TC_U32_TERMINAL;
  selector[2] = 1; // nkeys
  const mirred = new Uint8Array(TC_MIRRED_SIZE);
  const view = new DataView(mirred.buffer);
  view.setInt32(8, TC_ACT_STOLEN, true);
  view.setInt32(20, TCA_EGRESS_REDIR, true);
  view.setUint32(24, targetIndex, true);
  return new NetlinkBuilder(160)
    .beginMessage(RTM_NEWTFILTER, CREATE_EXCLUSIVE)
    .header(tcmsg(sourceIndex, 0, INGRESS_HANDLE, filterInfo()))
    .attrCString(TCA_KIND, "u32")
    .beginNest(TCA_OPTIONS, false)
    .attr(TCA_U32_SEL, selector)
    .beginNest(TCA_U32_ACT, false)
    .beginNest(FIRST_ACTION, false)
    .attrCString(TCA_ACT_KIND, "mirred")
    .beginNest(TCA_ACT_OPTIONS, false)
    .attr(TCA_MIRRED_PARMS, mirred)
    .endNest()
    .endNest()
    .endNest()
    .endNest()
    .endMessage()
    .finish();
}

/** Deletes the redirect filter(s) `addRedirectFilterRequest` added on ingress of `index`. */
export function deleteRedirectFilterRequest(index: number): Uint8Array {
  return new NetlinkBuilder(32).beginMessage(RTM_DELTFILTER, 0).header(tcmsg(index, 0, INGRESS_HANDLE, filterInfo())).endMessage().finish();
}
