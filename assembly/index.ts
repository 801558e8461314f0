// The core's ABI: plain numbers only. The host writes input into `inputArea`, calls
// `load`, then `emit` per section into windows of `outputArea`, and reads errors back
// through the getters. Nothing here traps on bad input: it returns a negative code.
//
// Every number both sides use (error codes, flags, section ids, record types, reason
// codes, layouts) is declared once in this tree and exported below as a Wasm global; the
// host reads them from the instance (host/core-abi.ts) and keeps no copy.
import { ByteRegion } from "./memory/bytes";
import { ERR_USAGE, lastError } from "./errors";
import {
  addrs, endpoints, E_PCI, E_PCI_LENGTH, inputBase, links, neighs, rebaseModel, routes, startModel, endpointName,
  endpointNameLength,
} from "./model";
import {
  AF_INET6, NLMSG_DONE, NLMSG_NOOP, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWROUTE,
} from "./netlink/constants";
import { afterMessage, messageAt, messageType } from "./netlink/messages";
import { decodeLink } from "./netlink/link";
import { decodeAddress } from "./netlink/address";
import { decodeRoute } from "./netlink/route";
import { decodeNeighbour } from "./netlink/neighbour";
import { decodeEndpointSpec, decodeHint, isHintType } from "./input/records";
import { KATANET_ENDPOINT } from "./input/record-types";
import { buildEndpoints, clearSkips } from "./kata/endpoints";
import { checkPciPath } from "./kata/pcipath";
import { resolveCcwDevices } from "./kata/ccw";
import { emit as emitSection, listLength, neededCapacity, neighbourRuleOf, rewindSections } from "./kata/sections";
import { prepareChain, prepareLastNeighbour, prepareLastRoute, setS390x } from "./kata/convert";
import { reportNeeded, writeLinkSummary, writeReport } from "./kata/report";
import { explainNeeded, writeExplanation } from "./kata/explain";
import { out } from "./proto/writer";
import {
  FAMILY_V4, FAMILY_V6, modelFromName, modelIsValid, modelName, PAIR_BRIDGE, PAIR_TAP, PAIR_VIRT, writeKataSuffix, writePairName,
  writePrivateMAC,
} from "./kata/network";
import { writeMAC } from "./text/mac";
import { writeIP } from "./text/ip";

export { ERR_KATA, ERR_MALFORMED, ERR_OUTPUT_TOO_SMALL, ERR_USAGE } from "./errors";
export {
  SECTION_INTERFACES, SECTION_NEIGHBOURS_PRESEED_GATEWAY, SECTION_NEIGHBOURS_SEED, SECTION_ROUTES,
} from "./kata/sections";
export * from "./kata/reasons";
export {
  EXPLAIN_ADDRESS, EXPLAIN_CHANGE_AT, EXPLAIN_DETAIL_AT, EXPLAIN_HEADER_SIZE, EXPLAIN_KIND_AT, EXPLAIN_LINK, EXPLAIN_NEIGHBOUR,
  EXPLAIN_REASON_AT, EXPLAIN_ROUTE,
} from "./kata/explain";
export { REPORT_ENDPOINT, REPORT_NO_PAIR, REPORT_SKIPPED } from "./kata/report";
export { DEFAULT_NET_INTERWORKING_MODEL, FAMILY_V4, FAMILY_V6, PAIR_BRIDGE, PAIR_TAP, PAIR_VIRT } from "./kata/network";
export * from "./input/record-types";

export const LOAD_KEEP_GOING: u32 = 1;
export const LOAD_DECODE_ONLY: u32 = 2; // stop before Kata's rules: the host gathers hints first
export const LOAD_S390X: u32 = 4; // device paths are CCW devices, as Kata's runtime on s390x sends them

const input = new ByteRegion();
const output = new ByteRegion();
let decodedLength: i32 = 0;
let handDescribed = false;
let awaitingHints = false; // a LOAD_DECODE_ONLY load waits for `decodeMore`/`classify`
let loaded = false;

/** Room for `size` input bytes; the first `keep` bytes survive a move (dumps append). */
export function inputArea(size: u32, keep: u32): usize {
  return input.ensure(size, keep);
}

/** Room for `size` output bytes; the first `keep` bytes survive a move (a section grows in place). */
export function outputArea(size: u32, keep: u32): usize {
  return output.ensure(size, keep);
}

/**
 * Decodes a whole input and applies Kata's scan rules: the endpoint count, or an error
 * code. With LOAD_DECODE_ONLY it stops after decoding and returns the link count; the
 * host then appends hint records and calls `classify`.
 */
export function load(inPtr: usize, inLength: i32, flags: u32): i32 {
  lastError.reset();
  loaded = false;
  handDescribed = false;
  awaitingHints = false;
  decodedLength = 0;
  if (inLength < 0) return ERR_USAGE;
  startModel(inPtr);
  clearSkips();
  reserveTables(inPtr, inLength);
  if (!decode(inLength)) return lastError.code;
  awaitingHints = (flags & LOAD_DECODE_ONLY) != 0;
  return awaitingHints ? links.rows : finish(flags);
}

/**
 * Decodes what was appended to a LOAD_DECODE_ONLY input since the last call: a scan feeds
 * route and neighbour datagrams here while the kernel is still producing the next ones.
 */
export function decodeMore(inPtr: usize, inLength: i32): i32 {
  if (!awaitingHints || inLength < decodedLength) return ERR_USAGE;
  rebaseModel(inPtr); // the host may have moved the input while appending
  if (decode(inLength)) return 0;
  awaitingHints = false; // a failed input cannot be finished
  return lastError.code;
}

/** Decodes the rest of a LOAD_DECODE_ONLY input (hint records at least), then finishes. */
export function classify(inPtr: usize, inLength: i32, flags: u32): i32 {
  const decoded = decodeMore(inPtr, inLength);
  if (decoded < 0) return decoded;
  awaitingHints = false;
  return finish(flags);
}

/** Counts messages by type (headers only) and sizes the tables to match. */
function reserveTables(inPtr: usize, inLength: i32): void {
  let linkCount = 0;
  let addrCount = 0;
  let routeCount = 0;
  let neighCount = 0;
  const end = inPtr + <usize>inLength;
  for (let at = inPtr; messageAt(at, end, inPtr); at = afterMessage(at, end)) {
    const type = messageType(at);
    if (type == RTM_NEWLINK) linkCount++;
    else if (type == RTM_NEWADDR) addrCount++;
    else if (type == RTM_NEWROUTE) routeCount++;
    else if (type == RTM_NEWNEIGH) neighCount++;
  }
  lastError.reset(); // decode reports what is wrong, with its context
  links.reserve(linkCount);
  addrs.reserve(addrCount);
  routes.reserve(routeCount);
  neighs.reserve(neighCount);
}

/** Decodes the input from where the last call stopped; each route and neighbour is
 * written out as an element right away (kata/convert.ts, prepare...). */
function decode(inLength: i32): bool {
  const base = inputBase;
  const end = base + <usize>inLength;
  for (let at = base + <usize>decodedLength; messageAt(at, end, base); at = afterMessage(at, end)) {
    const type = messageType(at);
    if (type == RTM_NEWLINK) decodeLink(at, base);
    else if (type == RTM_NEWADDR) decodeAddress(at, base);
    else if (type == RTM_NEWROUTE) prepareLastRoute(decodeRoute(at, base));
    else if (type == RTM_NEWNEIGH) prepareLastNeighbour(decodeNeighbour(at, base));
    else if (isHintType(type)) decodeHint(at, base);
    else if (type == KATANET_ENDPOINT) {
      prepareChain(decodeEndpointSpec(at, base));
      handDescribed = true;
    } else if (type != NLMSG_DONE && type != NLMSG_NOOP) {
      lastError.malformed(<i32>(at - base)).ascii("unexpected netlink message type ").decimal(type);
    }
  }
  decodedLength = inLength;
  return !lastError.failed;
}

function finish(flags: u32): i32 {
  if (handDescribed && links.rows > 0) {
    lastError.malformed(0).ascii("input mixes hand-described endpoints with kernel link messages");
    return lastError.code;
  }
  if (!handDescribed && !buildEndpoints((flags & LOAD_KEEP_GOING) != 0)) return lastError.code;
  if (!checkPciPaths() || !resolveCcwDevices()) return lastError.code;
  setS390x((flags & LOAD_S390X) != 0);
  rewindSections();
  loaded = true;
  return endpoints.rows;
}

/** Each decoded link's name and addresses as Kata lists them: "name\tip\tip...\n". */
export function linkSummary(outPtr: usize, capacity: i32): i32 {
  return writeLinkSummary(outPtr, capacity);
}

function checkPciPaths(): bool {
  for (let row = 0; row < endpoints.rows; row++) {
    const length = endpoints.get(row, E_PCI_LENGTH);
    if (length <= 0) continue;
    const offset = endpoints.get(row, E_PCI);
    const name = endpointName(row);
    if (!checkPciPath(inputBase + <usize>offset, length, name, endpointNameLength(row), offset)) return false;
  }
  return true;
}

/** Writes the next elements of a section (SECTION_* of kata/sections.ts). */
export function emit(section: i32, outPtr: usize, capacity: i32): i32 {
  if (!loaded) return ERR_USAGE;
  return emitSection(section, outPtr, capacity);
}

/** The exact byte length of a route or neighbour section (see kata/sections.ts); -1 otherwise. */
export function sectionLength(section: i32): f64 {
  if (!loaded) return ERR_USAGE;
  return listLength(section);
}

export function report(outPtr: usize, capacity: i32): i32 {
  if (!loaded) return ERR_USAGE;
  return writeReport(outPtr, capacity);
}

/** Every input object with the converter's verdict on it under the rule of a neighbour section (kata/explain.ts). */
export function explain(section: i32, outPtr: usize, capacity: i32): i32 {
  const rule = neighbourRuleOf(section);
  if (!loaded || rule < 0) return ERR_USAGE;
  return writeExplanation(rule, outPtr, capacity, decodedLength, handDescribed);
}

export function neededOutput(): i32 {
  return max(max(neededCapacity, reportNeeded), explainNeeded);
}

export function errorCode(): i32 {
  return lastError.code;
}

export function errorOffset(): i32 {
  return lastError.offset;
}

export function errorText(): usize {
  return lastError.text.ptr;
}

export function errorTextLength(): i32 {
  return lastError.text.length;
}

export function errorSubject(): usize {
  return lastError.subject.ptr;
}

export function errorSubjectLength(): i32 {
  return lastError.subject.length;
}

// ---- network.go's pure functions ----

/** Masks 6 random bytes into a private unicast MAC and writes its text; returns its length. */
export function privateMAC(randomPtr: usize, outPtr: usize): i32 {
  out.pos = outPtr;
  writePrivateMAC(randomPtr);
  return <i32>(out.pos - outPtr);
}

/** "br{i}_kata" (PAIR_BRIDGE), "tap{i}_kata" (PAIR_TAP) or "eth{i}" (PAIR_VIRT). */
export function pairName(which: i32, index: i64, outPtr: usize): i32 {
  out.pos = outPtr;
  if (which == PAIR_BRIDGE) writePairName("br", index);
  else if (which == PAIR_TAP) writePairName("tap", index);
  else writePairName("eth", index);
  if (which != PAIR_VIRT) writeKataSuffix();
  return <i32>(out.pos - outPtr);
}

export function modelByName(ptr: usize, length: i32): i32 {
  return modelFromName(ptr, length);
}

export function modelText(model: i32, outPtr: usize): i32 {
  const text = modelName(model);
  for (let i = 0; i < text.length; i++) store<u8>(outPtr + <usize>i, <u8>text.charCodeAt(i));
  return text.length;
}

export function modelValid(model: i32): bool {
  return modelIsValid(model);
}

/** utils.ConvertAddressFamily: FAMILY_V6 for AF_INET6 only. */
export function addressFamily(family: i32): i32 {
  return family == AF_INET6 ? FAMILY_V6 : FAMILY_V4;
}

/** Go's IP.String() of any bytes; returns the text length. */
export function ipText(ptr: usize, length: i32, outPtr: usize): i32 {
  out.pos = outPtr;
  writeIP(ptr, length);
  return <i32>(out.pos - outPtr);
}

/** Go's HardwareAddr.String() of any bytes; returns the text length. */
export function macText(ptr: usize, length: i32, outPtr: usize): i32 {
  out.pos = outPtr;
  writeMAC(ptr, length);
  return <i32>(out.pos - outPtr);
}
