// `explain`: every link, address, route and neighbour of the input, in input order, with
// the verdict the converter reached on it (kata/reasons.ts) and the element Kata makes of
// it. Nothing here decides anew: the verdicts come from the decoders' log (routeDecoded),
// the scan loop's skip table and the same verdict functions the sections use. Built only
// when asked, so the conversion pays one byte per route message and nothing else.
//
// Record, per item: a header of EXPLAIN_HEADER_SIZE bytes (u8 kind, u8 reason, u8 change,
// i32 detail, at the EXPLAIN_*_AT offsets), then three i32-length byte strings: the
// link's name, a text (Go's error for a rejected link), and the object as a field-1 list
// element (Interface, IPAddress, Route, ARPNeighbor).
import { ERR_OUTPUT_TOO_SMALL, lastError } from "../errors";
import {
  addrs, A_IP_LENGTH, A_MASK_A, A_MASK_B, A_MASK_KIND, chains, C_ADDR_HEAD, C_NEIGH_HEAD, C_ROUTE_HEAD, endpoints, E_RAW_FLAGS,
  findChain, inputBase, links, L_FLAGS, L_INDEX, L_MAC, L_MAC_LENGTH, L_MTU, L_TYPE, L_TYPE_LENGTH, neighs, NONE, N_STATE,
  routeDecoded, routes, ROUTE_KEPT, R_DST, R_DST_LENGTH, R_FAMILY_V6, R_GW, R_GW_LENGTH, R_SCOPE, chainDevice,
  chainDeviceLength, endpointName, endpointNameLength, linkName, linkNameLength,
} from "../model";
import { fieldAt } from "../memory/table";
import { IFF_NOARP, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWROUTE } from "../netlink/constants";
import { afterMessage, messageAt, messagePayload, messageType } from "../netlink/messages";
import { readRoute } from "../netlink/route";
import { out } from "../proto/writer";
import { isIPv4, MASK_BYTES, MASK_NIL, simpleMaskLength } from "../text/ip";
import { writeMAC } from "../text/mac";
import {
  addressVerdict, elementBound, interfaceBound, ipTextBound, neighbourVerdict, routeVerdict, writeAddressField, writeElementAt,
  writeInterface,
} from "./convert";
import {
  linkTypeText, rejections, skipped, SKIP_ALREADY_ADDED, SKIP_LOOPBACK, SKIP_NO_ADDRESSES, SKIP_REJECTED, S_LINK, S_REASON,
  S_TEXT, S_TEXT_LENGTH,
} from "./endpoints";
import {
  ADDRESS_LINK_DROPPED, CHANGED_FAMILY_V6, CHANGED_MASK, CHANGED_RAW_FLAGS, LINK_ALREADY_ADDED, LINK_LOOPBACK, LINK_NO_ADDRESS,
  LINK_PAIR_INDEX, LINK_UNSUPPORTED, NEIGH_OTHER_DEVICE, ROUTE_OTHER_DEVICE, SENT, UNCHANGED,
} from "./reasons";

export const EXPLAIN_LINK: u8 = 0;
export const EXPLAIN_ADDRESS: u8 = 1;
export const EXPLAIN_ROUTE: u8 = 2;
export const EXPLAIN_NEIGHBOUR: u8 = 3;

export const EXPLAIN_KIND_AT = 0;
export const EXPLAIN_REASON_AT = 1;
export const EXPLAIN_CHANGE_AT = 2;
export const EXPLAIN_DETAIL_AT = 4;
export const EXPLAIN_HEADER_SIZE = 8;

export let explainNeeded: i32 = 0;

// Indexes built per call: chain -> endpoint row, link row -> skipped row, and each address,
// route and neighbour row -> its chain.
let chainEndpoint = new StaticArray<i32>(0);
let linkSkip = new StaticArray<i32>(0);
let addrChain = new StaticArray<i32>(0);
let routeChain = new StaticArray<i32>(0);
let neighChain = new StaticArray<i32>(0);
let limit: usize = 0;

/** Writes the explanation under neighbour `rule`; bytes written, or ERR_OUTPUT_TOO_SMALL (see explainNeeded). */
export function writeExplanation(rule: i32, outPtr: usize, capacity: i32, inputLength: i32, handDescribed: bool): i32 {
  buildIndexes();
  out.pos = outPtr;
  limit = outPtr + <usize>capacity;
  const complete = handDescribed ? explainEndpoints(rule) : explainMessages(rule, inputLength);
  if (!complete) {
    explainNeeded = capacity * 2;
    return ERR_OUTPUT_TOO_SMALL;
  }
  return <i32>(out.pos - outPtr);
}

function buildIndexes(): void {
  chainEndpoint = filled(chains.rows);
  for (let endpoint = 0; endpoint < endpoints.rows; endpoint++) {
    const chain = findChain(endpoints.get(endpoint, 0));
    if (chain != NONE) chainEndpoint[chain] = endpoint;
  }
  linkSkip = filled(links.rows);
  for (let row = 0; row < skipped.rows; row++) linkSkip[skipped.get(row, S_LINK)] = row;
  addrChain = filled(addrs.rows);
  routeChain = filled(routes.rows);
  neighChain = filled(neighs.rows);
  for (let chain = 0; chain < chains.rows; chain++) {
    for (let row = chains.get(chain, C_ADDR_HEAD); row != NONE; row = addrs.get(row, 0)) addrChain[row] = chain;
    for (let row = chains.get(chain, C_ROUTE_HEAD); row != NONE; row = routes.get(row, 0)) routeChain[row] = chain;
    for (let row = chains.get(chain, C_NEIGH_HEAD); row != NONE; row = neighs.get(row, 0)) neighChain[row] = chain;
  }
}

function filled(length: i32): StaticArray<i32> {
  const array = new StaticArray<i32>(length);
  for (let i = 0; i < length; i++) array[i] = NONE;
  return array;
}

/** The kernel's messages in input order: the k-th link, address and neighbour message made row k. */
function explainMessages(rule: i32, inputLength: i32): bool {
  let link = 0;
  let addr = 0;
  let route = 0;
  let routeMessage = 0;
  let neigh = 0;
  const base = inputBase;
  const end = base + <usize>inputLength;
  for (let at = base; messageAt(at, end, base); at = afterMessage(at, end)) {
    const type = messageType(at);
    let written = true;
    if (type == RTM_NEWLINK) written = explainLink(link++);
    else if (type == RTM_NEWADDR) written = explainAddress(addr++);
    else if (type == RTM_NEWNEIGH) written = explainNeighbour(neigh++, rule);
    else if (type == RTM_NEWROUTE) {
      const verdict = routeDecoded.at(routeMessage++);
      written = verdict & ROUTE_KEPT ? explainRoute(route++, verdict & ~ROUTE_KEPT) : explainUnreadRoute(at, verdict);
    }
    if (!written) return false;
  }
  return true;
}

/** Hand-described endpoints (structs.json, DAN): each with its addresses, routes and neighbours. */
function explainEndpoints(rule: i32): bool {
  for (let endpoint = 0; endpoint < endpoints.rows; endpoint++) {
    if (!explainEndpointLink(endpoint)) return false;
    const chain = findChain(endpoints.get(endpoint, 0));
    if (chain == NONE) continue;
    for (let row = chains.get(chain, C_ADDR_HEAD); row != NONE; row = addrs.get(row, 0)) if (!explainAddress(row)) return false;
    for (let row = chains.get(chain, C_ROUTE_HEAD); row != NONE; row = routes.get(row, 0)) if (!explainRoute(row, SENT)) return false;
    for (let row = chains.get(chain, C_NEIGH_HEAD); row != NONE; row = neighs.get(row, 0)) if (!explainNeighbour(row, rule)) return false;
  }
  return true;
}

// ---- one item each ----

function explainLink(link: i32): bool {
  const skip = linkSkip[link];
  if (skip == NONE) {
    const chain = findChain(links.get(link, L_INDEX));
    return explainEndpointLink(chainEndpoint[chain]);
  }
  const name = linkName(link);
  const nameLength = linkNameLength(link);
  const reason = skipped.get(skip, S_REASON);
  const rejected = reason >= SKIP_REJECTED;
  const textLength = rejected ? skipped.get(skip, S_TEXT_LENGTH) : 0;
  const bound = 24 + 3 * nameLength + textLength + 3 * max(0, links.get(link, L_MAC_LENGTH)) + 112;
  if (!startItem(EXPLAIN_LINK, skipReason(reason), UNCHANGED, links.get(link, L_FLAGS), name, nameLength, bound)) return false;
  text(rejected ? rejections.ptr + <usize>skipped.get(skip, S_TEXT) : 0, textLength);
  const element = startElement();
  writeLinkObject(link);
  endElement(element);
  return true;
}

function skipReason(reason: i32): u8 {
  if (reason == SKIP_NO_ADDRESSES) return LINK_NO_ADDRESS;
  if (reason == SKIP_LOOPBACK) return LINK_LOOPBACK;
  if (reason == SKIP_ALREADY_ADDED) return LINK_ALREADY_ADDED;
  return reason == SKIP_REJECTED ? LINK_UNSUPPORTED : LINK_PAIR_INDEX;
}

function explainEndpointLink(endpoint: i32): bool {
  const name = endpointName(endpoint);
  const nameLength = endpointNameLength(endpoint);
  const flags = endpoints.get(endpoint, E_RAW_FLAGS);
  const change = <u32>flags & ~IFF_NOARP ? CHANGED_RAW_FLAGS : UNCHANGED;
  if (!startItem(EXPLAIN_LINK, SENT, change, flags, name, nameLength, 24 + nameLength + interfaceBound(endpoint))) return false;
  text(0, 0);
  const element = startElement();
  writeInterface(endpoint);
  endElement(element);
  return true;
}

function explainAddress(addr: i32): bool {
  const chain = addrChain[addr];
  const reason = chainEndpoint[chain] == NONE ? ADDRESS_LINK_DROPPED : addressVerdict(addr);
  const kind = addrs.get(addr, A_MASK_KIND);
  const oddMask = kind == MASK_NIL || (kind == MASK_BYTES && simpleMaskLength(<usize>addrs.get(addr, A_MASK_A), addrs.get(addr, A_MASK_B)) < 0);
  const nameLength = deviceLength(chain);
  const bound = 24 + nameLength + 40 + ipTextBound(addrs.get(addr, A_IP_LENGTH));
  if (!startItem(EXPLAIN_ADDRESS, reason, oddMask ? CHANGED_MASK : UNCHANGED, 0, device(chain), nameLength, bound)) return false;
  text(0, 0);
  const element = startElement();
  writeAddressField(1, addr);
  endElement(element);
  return true;
}

function explainRoute(route: i32, decoded: u8): bool {
  const chain = routeChain[route];
  const row = routes.rowAt(route);
  let reason = decoded;
  if (reason == SENT) reason = chainEndpoint[chain] == NONE ? ROUTE_OTHER_DEVICE : routeVerdict(row);
  return writeListItem(EXPLAIN_ROUTE, reason, routeChange(row), 0, row, chain);
}

/** A route the library's RouteList never returns: read into a scratch row only to show it. */
function explainUnreadRoute(message: usize, verdict: u8): bool {
  const route = routes.add();
  const outputInterface = readRoute(message, inputBase, route);
  lastError.reset(); // attributes nobody reads may be anything: show what could be read
  const table = <i32>load<u8>(messagePayload(message) + 4);
  const row = routes.rowAt(route);
  const written = writeListItem(EXPLAIN_ROUTE, verdict, routeChange(row), table, row, outputInterface == 0 ? NONE : findChain(outputInterface));
  routes.removeLast();
  return written;
}

/** A route or neighbour item: its element written as Kata writes it, on its link's name. */
function writeListItem(kind: u8, reason: u8, change: u8, detail: i32, row: usize, chain: i32): bool {
  const isRoute = kind == EXPLAIN_ROUTE;
  const nameLength = deviceLength(chain);
  const name = device(chain);
  if (!startItem(kind, reason, change, detail, name, nameLength, 24 + nameLength + elementBound(row, isRoute, nameLength))) return false;
  text(0, 0);
  const element = startElement();
  out.pos = writeElementAt(row, isRoute, name, nameLength, out.pos);
  endElement(element);
  return true;
}

/** A route sent as v6 while its addresses are IPv4: a DAN route without a gateway is. */
function routeChange(row: usize): u8 {
  if (!(fieldAt(row, R_SCOPE) & R_FAMILY_V6)) return UNCHANGED;
  const dstLength = fieldAt(row, R_DST_LENGTH);
  const gwLength = fieldAt(row, R_GW_LENGTH);
  const v4 =
    (dstLength > 0 && isIPv4(inputBase + <usize>fieldAt(row, R_DST), dstLength)) ||
    (gwLength > 0 && isIPv4(inputBase + <usize>fieldAt(row, R_GW), gwLength));
  return v4 ? CHANGED_FAMILY_V6 : UNCHANGED;
}

function explainNeighbour(neigh: i32, rule: i32): bool {
  const chain = neighChain[neigh];
  const endpoint = chainEndpoint[chain];
  const row = neighs.rowAt(neigh);
  const reason = endpoint == NONE ? NEIGH_OTHER_DEVICE : neighbourVerdict(endpoint, row, rule);
  return writeListItem(EXPLAIN_NEIGHBOUR, reason, UNCHANGED, fieldAt(row, N_STATE), row, chain);
}

/** A link Kata makes no endpoint of, in an Interface's fields as it stands in the namespace. */
function writeLinkObject(link: i32): void {
  const element = out.open(1);
  const name = linkName(link);
  const nameLength = linkNameLength(link);
  out.stringField(1, name, nameLength);
  out.stringField(2, name, nameLength);
  out.uintField(4, <u64>(<u32>links.get(link, L_MTU)));
  const macLength = links.get(link, L_MAC_LENGTH);
  if (macLength > 0) {
    const field = out.open(5);
    writeMAC(inputBase + <usize>links.get(link, L_MAC), macLength);
    out.close(field);
  }
  const typeLength = links.get(link, L_TYPE_LENGTH);
  if (typeLength == NONE) {
    const type = linkTypeText(links.get(link, L_TYPE));
    const field = out.open(7);
    for (let i = 0; i < type.length; i++) out.byte(type.charCodeAt(i));
    out.close(field);
  } else {
    out.stringField(7, inputBase + <usize>links.get(link, L_TYPE), typeLength);
  }
  out.uintField(8, <u64>(<u32>links.get(link, L_FLAGS)));
  out.close(element);
}

// ---- record framing ----

@inline function device(chain: i32): usize {
  return chain == NONE ? 0 : chainDevice(chain);
}

@inline function deviceLength(chain: i32): i32 {
  return chain == NONE ? 0 : max(0, chainDeviceLength(chain));
}

function startItem(kind: u8, reason: u8, change: u8, detail: i32, name: usize, nameLength: i32, bound: i32): bool {
  if (out.pos + <usize>bound > limit) return false;
  const header = out.pos;
  memory.fill(header, 0, EXPLAIN_HEADER_SIZE);
  store<u8>(header + EXPLAIN_KIND_AT, kind);
  store<u8>(header + EXPLAIN_REASON_AT, reason);
  store<u8>(header + EXPLAIN_CHANGE_AT, change);
  store<i32>(header + EXPLAIN_DETAIL_AT, detail);
  out.pos = header + EXPLAIN_HEADER_SIZE;
  text(name, nameLength);
  return true;
}

@inline function word(value: i32): void {
  store<i32>(out.pos, value);
  out.pos += 4;
}

function text(ptr: usize, length: i32): void {
  word(length);
  memory.copy(out.pos, ptr, <usize>length);
  out.pos += <usize>length;
}

function startElement(): usize {
  out.pos += 4;
  return out.pos;
}

function endElement(start: usize): void {
  store<i32>(start - 4, <i32>(out.pos - start));
}
