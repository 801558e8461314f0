// Kata's scan loop (addAllEndpoints / addSingleEndpoint at the seed commit): which links
// become endpoints, of what type, with which network-pair index, and which errors abort
// the whole scan. Rejections are reported by name; with keep-going they skip one link.
import { lastError, TextBuffer } from "../errors";
import {
  chains, C_ADDR_COUNT, endpoints, E_HW, E_HW_LENGTH, E_HW_IS_TEXT, E_KEY, E_MTU_LOW, E_NAME, E_NAME_LENGTH, E_PCI,
  E_PCI_LENGTH, E_RAW_FLAGS, E_TYPE, E_TYPE_LENGTH, findChain, pairIndex, setPairIndex, hints, H_KIND, H_VALUE, inputBase,
  links, L_FLAGS, L_INDEX, L_MAC, L_MAC_LENGTH, L_MTU, L_NAME, L_TUN_MODE, L_TYPE, L_TYPE_LENGTH, NONE, endpointName,
  endpointNameLength, hintName, hintNameLength, hintValue, hintValueLength, linkName, linkNameLength,
} from "../model";
import { IFF_LOOPBACK } from "../netlink/constants";
import { KATANET_BUS_INFO, KATANET_PCI_PATH, KATANET_VHOST_USER } from "../input/record-types";
import { bytesEqual, bytesEqualAscii, compareBytes } from "../text/compare";
import { Table } from "../memory/table";
import { hashBytes, hashInteger, RowIndex } from "../memory/row-index";
import { TYPE_DEVICE, TYPE_GRE, TYPE_GRETAP, TYPE_IP6GRE, TYPE_IP6GRETAP, TYPE_TUNTAP, TYPE_VTI, TYPE_VTI6 } from "../netlink/link";

// Endpoint types (E_TYPE with length NIL); their text is in endpointTypeText.
export const ENDPOINT_VIRTUAL = 0;
export const ENDPOINT_MACVLAN = 1;
export const ENDPOINT_MACVTAP = 2;
export const ENDPOINT_TUNTAP = 3;
export const ENDPOINT_IPVLAN = 4;
export const ENDPOINT_PHYSICAL = 5;
export const ENDPOINT_VHOST_USER = 6;

export function endpointTypeText(type: i32): string {
  switch (type) {
    case ENDPOINT_VIRTUAL: return "virtual";
    case ENDPOINT_MACVLAN: return "macvlan";
    case ENDPOINT_MACVTAP: return "macvtap";
    case ENDPOINT_TUNTAP: return "tuntap";
    case ENDPOINT_IPVLAN: return "ipvlan";
    case ENDPOINT_PHYSICAL: return "physical";
    default: return "vhost-user";
  }
}

export function linkTypeText(type: i32): string {
  switch (type) {
    case TYPE_DEVICE: return "device";
    case TYPE_TUNTAP: return "tuntap";
    case TYPE_GRETAP: return "gretap";
    case TYPE_IP6GRETAP: return "ip6gretap";
    case TYPE_GRE: return "gre";
    case TYPE_IP6GRE: return "ip6gre";
    case TYPE_VTI: return "vti";
    default: return "vti6";
  }
}

// Why a link did not become an endpoint.
export const SKIP_NO_ADDRESSES = 0;
export const SKIP_LOOPBACK = 1;
export const SKIP_ALREADY_ADDED = 2;
export const SKIP_REJECTED = 3; // Kata would have failed on it; only with keep-going
export const SKIP_REJECTED_PAIR_INDEX = 4; // the same, for want of a pair index (not the link's own fault)

export const S_LINK = 0;
export const S_REASON = 1;
export const S_TEXT = 2; // the reason text, in `rejections`
export const S_TEXT_LENGTH = S_TEXT + 1;
export const skipped = new Table(4);
export const rejections = new TextBuffer(); // keep-going reasons, back to back

/** Forgets the last scan loop's skips: hand-described input has none, and must not show an earlier input's. */
export function clearSkips(): void {
  skipped.clear();
  rejections.clear();
}

/** Runs the scan loop over the decoded links; false when Kata would fail (see lastError). */
export function buildEndpoints(keepGoing: bool): bool {
  clearSkips();
  byName.clear();
  byPair.clear();
  for (let link = 0; link < links.rows; link++) {
    const chain = findChain(links.get(link, L_INDEX));
    if (chain == NONE || chains.get(chain, C_ADDR_COUNT) == 0) skip(link, SKIP_NO_ADDRESSES);
    else if (<u32>links.get(link, L_FLAGS) & IFF_LOOPBACK) skip(link, SKIP_LOOPBACK);
    else if (alreadyAdded(link)) skip(link, SKIP_ALREADY_ADDED);
    else if (!addEndpoint(link)) {
      if (!keepGoing) return false;
      reject(link);
    }
  }
  sortByName();
  return true;
}

function skip(link: i32, reason: i32): void {
  const row = skipped.add();
  skipped.set(row, S_LINK, link);
  skipped.set(row, S_REASON, reason);
}

let noPairIndex = false; // the last rejection was nextPairIndex's

function reject(link: i32): void {
  const row = skipped.add();
  skipped.set(row, S_LINK, link);
  skipped.set(row, S_REASON, noPairIndex ? SKIP_REJECTED_PAIR_INDEX : SKIP_REJECTED);
  noPairIndex = false;
  const start = rejections.length;
  rejections.bytes(lastError.text.ptr, lastError.text.length);
  skipped.set(row, S_TEXT, start);
  skipped.set(row, S_TEXT_LENGTH, rejections.length - start); // what fitted
  lastError.reset();
}

// Lookups for the "already added" rule, kept as endpoints are added: by name, and by
// network-pair index (a link named like a pair's bridge or tap is taken as added).
const byName = new RowIndex();
const byPair = new RowIndex();

function alreadyAdded(link: i32): bool {
  const name = linkName(link);
  const length = linkNameLength(link);
  byName.find(hashBytes(name, length));
  for (let row = byName.next(); row != NONE; row = byName.next()) {
    if (bytesEqual(endpointName(row), endpointNameLength(row), name, length)) return true;
  }
  // the pair's virtual interface carries the endpoint's own name, checked above
  const index = pairNameIndex(name, length);
  if (index < 0) return false;
  byPair.find(hashInteger(index));
  for (let row = byPair.next(); row != NONE; row = byPair.next()) if (pairIndex(row) == index) return true;
  return false;
}

/** N when the name is "brN_kata" or "tapN_kata" as createNetworkInterfacePair prints N, else -1. */
function pairNameIndex(name: usize, length: i32): i64 {
  const prefix = bytesEqualAscii(name, min(length, 2), "br") ? 2 : bytesEqualAscii(name, min(length, 3), "tap") ? 3 : 0;
  const suffix = 5; // "_kata"
  const digits = length - prefix - suffix;
  if (prefix == 0 || digits < 1 || digits > 19) return -1;
  if (!bytesEqualAscii(name + <usize>(length - suffix), suffix, "_kata")) return -1;
  let value: u64 = 0;
  for (let i = 0; i < digits; i++) {
    const c = <i32>load<u8>(name + <usize>(prefix + i)) - 48;
    if (c < 0 || c > 9 || (i == 0 && c == 0 && digits > 1)) return -1;
    value = value * 10 + <u64>c;
  }
  return value > <u64>i64.MAX_VALUE ? -1 : <i64>value;
}

function addEndpoint(link: i32): bool {
  if (isPhysical(link)) {
    addRow(link, ENDPOINT_PHYSICAL, NONE);
    return true;
  }
  const index = nextPairIndex(link);
  noPairIndex = index == NO_INDEX;
  if (noPairIndex) return false;
  if (findHint(KATANET_VHOST_USER, link) != NONE) {
    addRow(link, ENDPOINT_VHOST_USER, NONE);
    return true;
  }
  const type = links.get(link, L_TYPE);
  const typeLength = links.get(link, L_TYPE_LENGTH);
  if (typeLength == NONE && type == TYPE_TUNTAP) return addTuntap(link, index);
  if (typeLength != NONE) {
    const text = inputBase + <usize>type;
    if (bytesEqualAscii(text, typeLength, "veth")) return addRow(link, ENDPOINT_VIRTUAL, index);
    if (bytesEqualAscii(text, typeLength, "macvlan")) return addRow(link, ENDPOINT_MACVLAN, index);
    if (bytesEqualAscii(text, typeLength, "macvtap")) return addRow(link, ENDPOINT_MACVTAP, NONE);
    if (bytesEqualAscii(text, typeLength, "ipvlan")) return addRow(link, ENDPOINT_IPVLAN, index);
    if (bytesEqualAscii(text, typeLength, "tap")) {
      // Kata creates a TapEndpoint, whose Attach always fails.
      fail(link).ascii("TapEndpoint does not support Attach, if you're using docker please use --net none");
      return false;
    }
  }
  const message = fail(link).ascii("Unsupported network interface: ");
  if (typeLength == NONE) message.ascii(linkTypeText(type));
  else message.bytes(inputBase + <usize>type, typeLength);
  return false;
}

function addTuntap(link: i32, index: i64): bool {
  const mode = links.get(link, L_TUN_MODE);
  if (mode == 2) return addRow(link, ENDPOINT_TUNTAP, index);
  if (mode == 0) fail(link).ascii("Network device mode not determined correctly. Mount sysfs in caller");
  else if (mode == 1) fail(link).ascii("tun networking device not yet supported");
  else fail(link).ascii("tuntap network unknown mode unsupported");
  return false;
}

function fail(link: i32): TextBuffer {
  return lastError.kata(linkName(link), linkNameLength(link));
}

/**
 * The network-pair index: the endpoint count, or one past the first run of digits in the
 * previous endpoint's name if that is larger. No digits there is Go's ParseInt error.
 */
const NO_INDEX: i64 = i64.MIN_VALUE;

function nextPairIndex(link: i32): i64 {
  const last = endpoints.rows - 1;
  const count = <i64>endpoints.rows;
  if (last < 0) return 0;
  const previous = endpointName(last);
  const length = endpointNameLength(last);
  let start = 0;
  while (start < length && !isDigit(load<u8>(previous + <usize>start))) start++;
  let end = start;
  while (end < length && isDigit(load<u8>(previous + <usize>end))) end++;
  if (end == start) {
    fail(link).ascii("strconv.ParseInt: parsing \"\": invalid syntax");
    return NO_INDEX;
  }
  let value: u64 = 0;
  for (let i = start; i < end; i++) {
    value = value * 10 + <u64>(load<u8>(previous + <usize>i) - 48);
    if (value > <u64>i64.MAX_VALUE || end - start > 19) {
      fail(link).ascii("strconv.ParseInt: parsing \"").bytes(previous + <usize>start, end - start).ascii("\": value out of range");
      return NO_INDEX;
    }
  }
  // Go's int arithmetic: max int64 + 1 wraps, and then the count wins.
  const next = <i64>value + 1;
  return count > <i64>value ? count : next;
}

@inline function isDigit(c: u8): bool {
  return c >= 48 && c <= 57;
}

/** Kata's isPhysicalIface: ethtool bus info of three ':'-separated parts, never for "lo". */
function isPhysical(link: i32): bool {
  const hint = findHint(KATANET_BUS_INFO, link);
  if (hint == NONE || bytesEqualAscii(linkName(link), linkNameLength(link), "lo")) return false;
  const value = hintValue(hint);
  const length = hintValueLength(hint);
  let colons = 0;
  for (let i = 0; i < length; i++) if (load<u8>(value + <usize>i) == 58) colons++;
  return colons == 2;
}

export function findHint(kind: i32, link: i32): i32 {
  const name = linkName(link);
  const length = linkNameLength(link);
  for (let row = 0; row < hints.rows; row++) {
    if (hints.get(row, H_KIND) != kind) continue;
    if (bytesEqual(hintName(row), hintNameLength(row), name, length)) return row;
  }
  return NONE;
}

function addRow(link: i32, type: i32, pair: i64): bool {
  const row = endpoints.add();
  endpoints.set(row, E_KEY, links.get(link, L_INDEX));
  endpoints.set(row, E_NAME, links.get(link, L_NAME));
  endpoints.set(row, E_NAME_LENGTH, linkNameLength(link));
  endpoints.set(row, E_TYPE, type);
  endpoints.set(row, E_TYPE_LENGTH, NONE);
  endpoints.set(row, E_HW, links.get(link, L_MAC));
  endpoints.set(row, E_HW_LENGTH, max(0, links.get(link, L_MAC_LENGTH)));
  endpoints.set(row, E_HW_IS_TEXT, 0);
  const pci = findHint(KATANET_PCI_PATH, link);
  endpoints.set(row, E_PCI, pci == NONE ? 0 : hints.get(pci, H_VALUE));
  endpoints.set(row, E_PCI_LENGTH, pci == NONE ? NONE : hintValueLength(pci));
  endpoints.set(row, E_MTU_LOW, links.get(link, L_MTU));
  endpoints.set(row, E_RAW_FLAGS, links.get(link, L_FLAGS));
  setPairIndex(row, pair);
  byName.add(hashBytes(linkName(link), linkNameLength(link)), row);
  if (pair >= 0) byPair.add(hashInteger(pair), row);
  return true;
}

/** Byte-wise by name, stable (Go's sort.Slice is insertion sort below 13 endpoints, and names
 * from the kernel are unique): a merge sort of row numbers, then one reordering. */
function sortByName(): void {
  const count = endpoints.rows;
  if (count < 2) return;
  const order = heap.alloc(<usize>count << 2);
  const scratch = heap.alloc(<usize>count << 2);
  for (let i = 0; i < count; i++) store<i32>(order + (<usize>i << 2), i);
  for (let width = 1; width < count; width <<= 1) {
    for (let start = 0; start < count - width; start += width << 1) {
      merge(order, scratch, start, start + width, min(start + (width << 1), count));
    }
  }
  endpoints.permute(order);
  heap.free(scratch);
  heap.free(order);
}

function merge(order: usize, scratch: usize, start: i32, middle: i32, end: i32): void {
  let left = start;
  let right = middle;
  for (let out = start; out < end; out++) {
    const takeLeft = right >= end || (left < middle && compareNames(rowAt(order, right), rowAt(order, left)) >= 0);
    store<i32>(scratch + (<usize>out << 2), rowAt(order, takeLeft ? left++ : right++));
  }
  memory.copy(order + (<usize>start << 2), scratch + (<usize>start << 2), <usize>(end - start) << 2);
}

@inline function rowAt(order: usize, index: i32): i32 {
  return load<i32>(order + (<usize>index << 2));
}

function compareNames(a: i32, b: i32): i32 {
  return compareBytes(
    endpointName(a), endpointNameLength(a),
    endpointName(b), endpointNameLength(b),
  );
}
