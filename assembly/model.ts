// The decoded namespace, as record tables. Byte fields (names, IPs, MACs) are (offset,
// length) pairs pointing into the input area, so nothing is copied; a length of NIL (-1)
// is Go's nil slice. Every field has its own name, a pair's length field too (X_LENGTH
// beside X): callers name the field they read, never compute it from another. Addresses, routes and neighbours hang off per-ifindex chains that
// keep dump order, the order Kata's per-link list calls return them in.
import { ByteList, ByteLog } from "./memory/bytes";
import { AF_INET6 } from "./netlink/constants";
import { fieldAt, setFieldAt, Table } from "./memory/table";

// links (RTM_NEWLINK), in dump order
export const L_INDEX = 0;
export const L_FLAGS = 1;
export const L_NAME = 2;
export const L_NAME_LENGTH = L_NAME + 1;
export const L_MTU = 4;
export const L_MAC = 5;
export const L_MAC_LENGTH = L_MAC + 1; // NIL when absent or all zero
export const L_TYPE = 7; // text of Type() in the input, or a TYPE_* constant with length NIL
export const L_TYPE_LENGTH = L_TYPE + 1;
export const L_TUN_MODE = 9;
export const L_OFFSET = 10; // where the message starts, for errors
export const links = new Table(11);

// addresses: the IP/mask Kata sees after the library's IFA_LOCAL/IFA_ADDRESS rule
export const A_NEXT = 0;
export const A_IP = 1;
export const A_IP_LENGTH = A_IP + 1;
export const A_MASK_KIND = 3; // MASK_* of text/ip.ts, then two words
export const A_MASK_A = 4;
export const A_MASK_B = 5;
export const addrs = new Table(6);

// routes of the main table, not cloned
export const R_NEXT = 0;
export const R_DST = 1;
export const R_DST_LENGTH = R_DST + 1; // NIL: no destination (Go's nil Dst)
export const R_DST_MASK_KIND = 3;
export const R_DST_MASK_A = 4;
export const R_DST_MASK_B = 5;
export const R_GW = 6;
export const R_GW_LENGTH = R_GW + 1;
export const R_SRC = 8; // the preferred source
export const R_SRC_LENGTH = R_SRC + 1;
export const R_SCOPE = 10; // the scope (a byte) and R_FAMILY_V6: one word, rows stay small
export const R_FLAGS = 11;
export const R_MTU = 12;
export const R_PROTOCOL = 13;
export const R_PREPARED = 14; // offset of the route's element in `prepared`; NONE: not prepared
export const R_FAMILY_V6: i32 = 0x100; // in R_SCOPE: the family is AF_INET6 (all Kata asks of it)

/** Sets a route's scope (a byte: netlink.Scope is a uint8), keeping its family bit. */
export function setRouteScope(row: i32, scope: u32): void {
  routes.set(row, R_SCOPE, (routes.get(row, R_SCOPE) & R_FAMILY_V6) | <i32>(scope & 0xff));
}

/** Sets a route's family, keeping its scope. */
export function setRouteFamily(row: i32, family: u32): void {
  routes.set(row, R_SCOPE, (routes.get(row, R_SCOPE) & 0xff) | (family == AF_INET6 ? R_FAMILY_V6 : 0));
}
export const routes = new Table(15);

/**
 * One verdict per RTM_NEWROUTE message in input order (kata/reasons.ts), ROUTE_KEPT when
 * it made a row: routes that never reach Kata make none, and `explain` tells them apart.
 */
export const routeDecoded = new ByteList();
export const ROUTE_KEPT: u8 = 0x80;

// neighbours
export const N_NEXT = 0;
export const N_IP = 1;
export const N_IP_LENGTH = N_IP + 1;
export const N_LLADDR = 3;
export const N_LLADDR_LENGTH = N_LLADDR + 1;
export const N_STATE = 5;
export const N_FLAGS = 6;
export const N_PREPARED = 7; // as R_PREPARED
export const neighs = new Table(8);

/**
 * Routes and neighbours written whole, as list elements, as soon as they are decoded: a
 * scan decodes datagrams while the kernel produces the next, so this work overlaps the
 * dump, and output only copies. The device in them is their chain's name (C_DEVICE); the
 * endpoint Kata makes of a link goes by that name, so it is known before Kata's rules run.
 */
export const prepared = new ByteLog();

// one chain per ifindex (or per hand-described endpoint)
export const C_KEY = 0;
export const C_ADDR_HEAD = 1;
export const C_ADDR_TAIL = 2;
export const C_ADDR_COUNT = 3;
export const C_ROUTE_HEAD = 4;
export const C_ROUTE_TAIL = 5;
export const C_NEIGH_HEAD = 6;
export const C_NEIGH_TAIL = 7;
export const C_DEVICE = 8; // the first name given to the chain's key (a link's, an endpoint's)
export const C_DEVICE_LENGTH = C_DEVICE + 1; // NONE: no name yet
// [start, end) in `prepared` of the elements the chain lists, while they were prepared
// one after another (start NONE: none yet; NO_RUN: they were not); see kata/convert.ts
export const C_ROUTE_RUN = 10;
export const C_ROUTE_RUN_END = C_ROUTE_RUN + 1;
export const C_NEIGH_RUN = 12; // the neighbours the seed rule lists
export const C_NEIGH_RUN_END = C_NEIGH_RUN + 1;
export const NO_RUN: i32 = -2;
export const chains = new Table(14);

export const NONE: i32 = -1;

// open addressing: key -> chain row, NONE in free slots
let slots: usize = heap.alloc(256 << 2);
let slotMask: i32 = 255;

@inline function slotAt(index: i32): usize {
  return slots + (<usize>index << 2);
}

function clearSlots(): void {
  memory.fill(slots, 0xff, <usize>(slotMask + 1) << 2);
}

function clearModel(): void {
  lastChain = NONE;
  links.clear();
  addrs.clear();
  routes.clear();
  routeDecoded.clear();
  neighs.clear();
  chains.clear();
  prepared.clear();
  clearSlots();
}

@inline function slotOf(key: i32): i32 {
  return (<i32>(<u32>key * 0x9e3779b1) >>> 8) & slotMask;
}

/** The chain for a key, or NONE. */
export function findChain(key: i32): i32 {
  let index = slotOf(key);
  while (true) {
    const row = load<i32>(slotAt(index));
    if (row == NONE || chains.get(row, C_KEY) == key) return row;
    index = (index + 1) & slotMask;
  }
}

// Consecutive messages mostly concern one interface: remember the last chain looked up.
let lastKey: i32 = 0;
let lastChain: i32 = NONE;

export function chainFor(key: i32): i32 {
  if (lastChain != NONE && key == lastKey) return lastChain;
  lastChain = chainForKey(key);
  lastKey = key;
  return lastChain;
}

function chainForKey(key: i32): i32 {
  let index = slotOf(key);
  while (true) {
    const row = load<i32>(slotAt(index));
    if (row == NONE) break;
    if (chains.get(row, C_KEY) == key) return row;
    index = (index + 1) & slotMask;
  }
  const row = chains.add();
  chains.set(row, C_KEY, key);
  for (let field = C_ADDR_HEAD; field <= C_NEIGH_TAIL; field++) chains.set(row, field, NONE);
  chains.set(row, C_ADDR_COUNT, 0);
  chains.set(row, C_DEVICE_LENGTH, NONE);
  chains.set(row, C_ROUTE_RUN, NONE);
  chains.set(row, C_NEIGH_RUN, NONE);
  store<i32>(slotAt(index), row);
  if (chains.rows * 2 > slotMask) rehash();
  return row;
}

function rehash(): void {
  heap.free(slots);
  slotMask = (slotMask << 1) | 1;
  slots = heap.alloc(<usize>(slotMask + 1) << 2);
  clearSlots();
  for (let row = 0; row < chains.rows; row++) {
    let index = slotOf(chains.get(row, C_KEY));
    while (load<i32>(slotAt(index)) != NONE) index = (index + 1) & slotMask;
    store<i32>(slotAt(index), row);
  }
}

/**
 * Names the chain of `key` after a link or a hand-described endpoint, unless it has a name:
 * elements prepared with one name stay valid, and an endpoint going by another (a second
 * link with the same ifindex in odd input) has its elements written at output instead.
 */
export function nameChain(key: i32, offset: i32, length: i32): void {
  const chain = chainFor(key);
  if (chains.get(chain, C_DEVICE_LENGTH) != NONE) return;
  chains.set(chain, C_DEVICE, offset);
  chains.set(chain, C_DEVICE_LENGTH, length);
}

export function appendAddress(chain: i32, row: i32): void {
  append(chain, C_ADDR_HEAD, C_ADDR_TAIL, addrs, row);
}

export function appendRoute(chain: i32, row: i32): void {
  append(chain, C_ROUTE_HEAD, C_ROUTE_TAIL, routes, row);
}

export function appendNeighbour(chain: i32, row: i32): void {
  append(chain, C_NEIGH_HEAD, C_NEIGH_TAIL, neighs, row);
}

/** Appends `row` of `table` (whose next-field is 0) to the chain's list with these head and tail fields, keeping order. */
function append(chain: i32, headField: i32, tailField: i32, table: Table, row: i32): void {
  setFieldAt(table.rowAt(row), 0, NONE);
  const chainRow = chains.rowAt(chain);
  const tail = fieldAt(chainRow, tailField);
  if (tail == NONE) setFieldAt(chainRow, headField, row);
  else setFieldAt(table.rowAt(tail), 0, row);
  setFieldAt(chainRow, tailField, row);
}

// endpoints, in the order Kata hands them to generateVCNetworkStructures
export const E_KEY = 0; // the chain key: ifindex, or a hand-described endpoint's own key
export const E_NAME = 1;
export const E_NAME_LENGTH = E_NAME + 1;
export const E_TYPE = 3;
export const E_TYPE_LENGTH = E_TYPE + 1; // NIL: E_TYPE is an ENDPOINT_* constant of kata/endpoints.ts
export const E_HW = 5;
export const E_HW_LENGTH = E_HW + 1;
export const E_HW_IS_TEXT = 7; // 1: hwAddr is given as text (hand-described), 0: MAC bytes
export const E_PCI = 8;
export const E_PCI_LENGTH = E_PCI + 1; // NIL: no PCI path
export const E_MTU_LOW = 10;
export const E_MTU_HIGH = 11;
export const E_RAW_FLAGS = 12;
// the network-pair index as an i64; -1 without a pair (pairIndex, setPairIndex)
const E_PAIR_LOW = 13;
const E_PAIR_HIGH = 14;
export const E_CCW = 15; // set by name from the hints, whatever the source
export const E_CCW_LENGTH = E_CCW + 1; // NIL: no CCW device
export const endpoints = new Table(17);

export function pairIndex(row: i32): i64 {
  return (<i64>endpoints.get(row, E_PAIR_HIGH) << 32) | (<i64>endpoints.get(row, E_PAIR_LOW) & 0xffffffff);
}

export function setPairIndex(row: i32, index: i64): void {
  endpoints.set(row, E_PAIR_LOW, <i32>index);
  endpoints.set(row, E_PAIR_HIGH, <i32>(index >> 32));
}

// host-supplied facts keyed by interface name: PCI paths, CCW devices, ethtool bus info, vhost-user sockets
export const H_KIND = 0;
export const H_NAME = 1;
export const H_NAME_LENGTH = H_NAME + 1;
export const H_VALUE = 3;
export const H_VALUE_LENGTH = H_VALUE + 1;
export const hints = new Table(5);

/** Where the input starts in memory: every offset in the tables counts from here. */
export let inputBase: usize = 0;

// The names and values the converter reads most, as memory addresses and lengths.

@inline export function linkName(row: i32): usize {
  return inputBase + <usize>links.get(row, L_NAME);
}

@inline export function linkNameLength(row: i32): i32 {
  return links.get(row, L_NAME_LENGTH);
}

@inline export function endpointName(row: i32): usize {
  return inputBase + <usize>endpoints.get(row, E_NAME);
}

@inline export function endpointNameLength(row: i32): i32 {
  return endpoints.get(row, E_NAME_LENGTH);
}

@inline export function hintName(row: i32): usize {
  return inputBase + <usize>hints.get(row, H_NAME);
}

@inline export function hintNameLength(row: i32): i32 {
  return hints.get(row, H_NAME_LENGTH);
}

@inline export function hintValue(row: i32): usize {
  return inputBase + <usize>hints.get(row, H_VALUE);
}

@inline export function hintValueLength(row: i32): i32 {
  return hints.get(row, H_VALUE_LENGTH);
}

/** The chain's device name (see nameChain); its length is NONE while it has none. */
@inline export function chainDevice(chain: i32): usize {
  return inputBase + <usize>chains.get(chain, C_DEVICE);
}

@inline export function chainDeviceLength(chain: i32): i32 {
  return chains.get(chain, C_DEVICE_LENGTH);
}

/** The input moved (the host appended to it): offsets stay valid against the new base. */
export function rebaseModel(base: usize): void {
  inputBase = base;
}

export function startModel(base: usize): void {
  inputBase = base;
  clearModel();
  endpoints.clear();
  hints.clear();
}
